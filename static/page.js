// The fallback page's behaviour. Loaded with defer from 'self', so it runs
// once the document is parsed and needs no nonce.
//
// Rules it keeps (DEEPLINK-RULES.md section 0):
//  - No app is ever launched from a timer: the only timed navigation is the
//    desktop continue, and only to an http(s) link. App links (the open
//    host, a custom scheme, intent:) are followed only when tapped.
//  - The clipboard is written only inside a tap handler, the one place
//    browsers allow it and the one place a visitor expects it.
(function () {
  'use strict';

  var doc = document;

  function isWeb(a) {
    return !!a && (a.protocol === 'https:' || a.protocol === 'http:');
  }

  // copy puts text on the clipboard so the app, once installed, can read
  // the link on its first launch (deterministic deferred linking).
  function copy(text) {
    if (!text) {
      return;
    }
    try {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).catch(function () {});
        return;
      }
    } catch (e) {
      // fall through to the legacy way
    }
    var area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    doc.body.appendChild(area);
    area.select();
    try {
      doc.execCommand('copy');
    } catch (e) {
      // nothing more to try; the link still works without the copy
    }
    doc.body.removeChild(area);
  }

  doc.addEventListener('click', function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest('[data-copy]') : null;
    if (el) {
      copy(el.getAttribute('data-copy'));
    }
  });

  // hidden reports whether el sits in a hidden section.
  function hidden(el) {
    return !!(el.closest && el.closest('[hidden]'));
  }

  // continueSoon follows a visible web continue link after its delay, so
  // the loader has a moment to record the click. Never an app link.
  function continueSoon(a) {
    var ms = parseInt(a.getAttribute('data-continue'), 10);
    if (!isWeb(a) || !(ms >= 0) || hidden(a)) {
      return;
    }
    window.setTimeout(function () {
      window.location.replace(a.href);
    }, ms);
  }

  // A Mac Safari user agent may be an iPad asking for the desktop site:
  // only a touch screen tells them apart. An iPad keeps the iOS section
  // (Smart App Banner, App Store); a Mac gets the desktop one.
  var body = doc.body;
  if (body.hasAttribute('data-maybe-ipad')) {
    var touch = navigator.maxTouchPoints > 1;
    body.setAttribute('data-device', touch ? 'ipad' : 'mac');
    if (!touch) {
      var ios = doc.getElementById('ios');
      var desktop = doc.getElementById('desktop');
      if (ios) {
        ios.hidden = true;
      }
      if (desktop) {
        desktop.hidden = false;
      }
    }
  }

  // A brand image that cannot load is hidden rather than shown broken.
  var heroes = doc.querySelectorAll('img.hero');
  for (var h = 0; h < heroes.length; h++) {
    var img = heroes[h];
    if (img.complete && img.naturalWidth === 0) {
      img.hidden = true;
    } else {
      img.addEventListener('error', function (ev) { ev.target.hidden = true; });
    }
  }

  var links = doc.querySelectorAll('a[data-continue]');
  for (var i = 0; i < links.length; i++) {
    continueSoon(links[i]);
  }
})();
