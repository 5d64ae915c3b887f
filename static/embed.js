/*! Async Playground embed helper · MIT License · no dependency.
 * Include it once on a page that embeds the playground in iframes:
 *   <script src="https://<your-host>/embed.js" async></script>
 * Each playground iframe then takes the height of its content: the playground posts
 * {source: "async-playground", version: 1, type: "resize", height} to its parent (EMBEDDING.md),
 * and this sets that iframe's height, for the iframe that sent it only (event.source). */
(function () {
  'use strict';
  if (window.asyncPlaygroundEmbed) return;
  window.asyncPlaygroundEmbed = true;
  var MAX = 100000; // CSS pixels: a taller "height" is not one a page should take

  function frameOf(win) {
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow === win) return frames[i];
    return null;
  }

  window.addEventListener('message', function (e) {
    var d = e.data;
    if (!d || typeof d !== 'object' || d.source !== 'async-playground' || d.version !== 1 || d.type !== 'resize') return;
    var h = d.height;
    if (typeof h !== 'number' || !(h > 0) || h > MAX) return;
    var frame = e.source && frameOf(e.source);
    if (frame) frame.style.height = Math.ceil(h) + 'px';
  });

  // Frames that reported their height before this script ran: `hello` makes them say it again
  // (the listener above is already in place, so no answer is missed). A frame whose app is not
  // up yet reports by itself once it is; a frame (re)loaded later is greeted on its load event.
  function hello(f) {
    try {
      f.contentWindow.postMessage({ source: 'async-playground', version: 1, type: 'hello' }, '*');
    } catch (err) { /* a frame being removed: nothing to size */ }
  }
  function helloAll() {
    var frames = document.querySelectorAll('iframe[src*="embed=1"]');
    for (var i = 0; i < frames.length; i++) hello(frames[i]);
  }
  document.addEventListener('load', function (e) {
    var t = e.target;
    if (t && t.tagName === 'IFRAME' && /embed=1/.test(t.src)) hello(t);
  }, true);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', helloAll);
  else helloAll();
})();
