/*! KnowledgePlatform chat widget: one script tag, no dependencies.
 * Over 300 lines: the widget ships as one dependency-free file without a build step (decision 0060), so its UI, API calls and i18n stay together.
 * <script src="https://HOST/widget.js" data-key="WIDGET_KEY" async></script>
 * Options (data- attributes win over the settings stored for the key): data-kb, data-title, data-greeting,
 * data-color, data-position (bottom-right | bottom-left), data-lang (en de fr nl es), data-api (API origin).
 * data-preview: the portal's live preview (same origin, the curator's sign-in, asks as the widget channel,
 * sends no feedback or handoff).
 * Theme from the page with CSS custom properties on kp-chat: --kp-primary, --kp-on-primary, --kp-bg,
 * --kp-text, --kp-muted, --kp-radius, --kp-font. See docs/widget.md. */
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script || window.__kpChatLoaded) return;
  window.__kpChatLoaded = true;

  var TEXT = {
    en: { open: 'Open chat', close: 'Close chat', title: 'Ask us', greeting: 'Hi! Ask me anything about our products and services.',
      placeholder: 'Type your question', send: 'Send', sources: 'Sources', helpful: 'Helpful', notHelpful: 'Not helpful',
      comment: 'Tell us more (optional)', sendFeedback: 'Send feedback', thanks: 'Thanks for your feedback.',
      human: 'Talk to a human', contact: 'Email or phone (optional)', message: 'Message (optional)', request: 'Request a call back',
      handedOver: 'Thanks. Your request has been passed to our team; a person will get back to you.', recorded: 'Thanks. Your request is saved for our team, who will get back to you once they have read it.', noContact: 'You left no contact details, so our team can only read your request, not reply to it.', busy: 'We are getting a lot of questions right now. Please try again in {s} seconds.',
      dropped: 'The connection was interrupted. Please try again.', refused: 'This chat is not available on this site.',
      failed: 'Something went wrong. Please try again.', retry: 'Try again', thinking: 'Looking that up…', you: 'You', assistant: 'Assistant', cancel: 'Cancel' },
    de: { open: 'Chat öffnen', close: 'Chat schließen', title: 'Fragen Sie uns', greeting: 'Hallo! Fragen Sie mich zu unseren Produkten und Leistungen.',
      placeholder: 'Ihre Frage', send: 'Senden', sources: 'Quellen', helpful: 'Hilfreich', notHelpful: 'Nicht hilfreich',
      comment: 'Möchten Sie etwas ergänzen? (optional)', sendFeedback: 'Feedback senden', thanks: 'Danke für Ihr Feedback.',
      human: 'Mit einem Menschen sprechen', contact: 'E-Mail oder Telefon (optional)', message: 'Nachricht (optional)', request: 'Rückruf anfordern',
      handedOver: 'Danke. Ihre Anfrage ist an unser Team weitergeleitet; jemand meldet sich bei Ihnen.', recorded: 'Danke. Ihre Anfrage ist für unser Team gespeichert; es meldet sich, sobald es sie gelesen hat.', noContact: 'Sie haben keine Kontaktdaten angegeben: Unser Team kann Ihre Anfrage lesen, Ihnen aber nicht antworten.', busy: 'Gerade kommen sehr viele Fragen. Bitte versuchen Sie es in {s} Sekunden erneut.',
      dropped: 'Die Verbindung wurde unterbrochen. Bitte versuchen Sie es erneut.', refused: 'Dieser Chat ist auf dieser Website nicht verfügbar.',
      failed: 'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.', retry: 'Erneut versuchen', thinking: 'Einen Moment…', you: 'Sie', assistant: 'Assistent', cancel: 'Abbrechen' },
    fr: { open: 'Ouvrir le chat', close: 'Fermer le chat', title: 'Posez votre question', greeting: 'Bonjour ! Posez-moi vos questions sur nos produits et services.',
      placeholder: 'Votre question', send: 'Envoyer', sources: 'Sources', helpful: 'Utile', notHelpful: 'Pas utile',
      comment: 'Dites-nous en plus (facultatif)', sendFeedback: 'Envoyer', thanks: 'Merci pour votre avis.',
      human: 'Parler à une personne', contact: 'E-mail ou téléphone (facultatif)', message: 'Message (facultatif)', request: 'Être rappelé',
      handedOver: 'Merci. Votre demande a été transmise à notre équipe ; une personne vous recontactera.', recorded: 'Merci. Votre demande est enregistrée pour notre équipe, qui vous recontactera après l’avoir lue.', noContact: 'Sans coordonnées, notre équipe pourra lire votre demande mais pas vous répondre.', busy: 'Beaucoup de questions en ce moment. Réessayez dans {s} secondes.',
      dropped: 'La connexion a été interrompue. Veuillez réessayer.', refused: 'Ce chat n’est pas disponible sur ce site.',
      failed: 'Une erreur est survenue. Veuillez réessayer.', retry: 'Réessayer', thinking: 'Recherche…', you: 'Vous', assistant: 'Assistant', cancel: 'Annuler' },
    nl: { open: 'Chat openen', close: 'Chat sluiten', title: 'Stel je vraag', greeting: 'Hallo! Stel me een vraag over onze producten en diensten.',
      placeholder: 'Je vraag', send: 'Verstuur', sources: 'Bronnen', helpful: 'Nuttig', notHelpful: 'Niet nuttig',
      comment: 'Vertel ons meer (optioneel)', sendFeedback: 'Feedback versturen', thanks: 'Bedankt voor je feedback.',
      human: 'Praat met een medewerker', contact: 'E-mail of telefoon (optioneel)', message: 'Bericht (optioneel)', request: 'Terugbelverzoek',
      handedOver: 'Bedankt. Je verzoek is doorgestuurd naar ons team; een medewerker neemt contact met je op.', recorded: 'Bedankt. Je verzoek is bewaard voor ons team, dat contact opneemt zodra het is gelezen.', noContact: 'Je liet geen contactgegevens achter: ons team kan je verzoek lezen, maar je niet antwoorden.', busy: 'Het is nu erg druk. Probeer het over {s} seconden opnieuw.',
      dropped: 'De verbinding werd onderbroken. Probeer het opnieuw.', refused: 'Deze chat is niet beschikbaar op deze site.',
      failed: 'Er ging iets mis. Probeer het opnieuw.', retry: 'Opnieuw', thinking: 'Even zoeken…', you: 'Jij', assistant: 'Assistent', cancel: 'Annuleren' },
    es: { open: 'Abrir chat', close: 'Cerrar chat', title: 'Pregúntanos', greeting: '¡Hola! Pregúntame sobre nuestros productos y servicios.',
      placeholder: 'Escribe tu pregunta', send: 'Enviar', sources: 'Fuentes', helpful: 'Útil', notHelpful: 'No útil',
      comment: 'Cuéntanos más (opcional)', sendFeedback: 'Enviar opinión', thanks: 'Gracias por tu opinión.',
      human: 'Hablar con una persona', contact: 'Correo o teléfono (opcional)', message: 'Mensaje (opcional)', request: 'Solicitar llamada',
      handedOver: 'Gracias. Tu solicitud se ha enviado a nuestro equipo; una persona se pondrá en contacto contigo.', recorded: 'Gracias. Tu solicitud queda guardada para nuestro equipo, que te contactará cuando la lea.', noContact: 'No dejaste datos de contacto: nuestro equipo podrá leer tu solicitud, pero no responderte.', busy: 'Hay muchas preguntas ahora mismo. Inténtalo de nuevo en {s} segundos.',
      dropped: 'La conexión se interrumpió. Inténtalo de nuevo.', refused: 'Este chat no está disponible en este sitio.',
      failed: 'Algo salió mal. Inténtalo de nuevo.', retry: 'Reintentar', thinking: 'Buscando…', you: 'Tú', assistant: 'Asistente', cancel: 'Cancelar' }
  };

  var CSS = [
    ':host{all:initial}',
    '*{box-sizing:border-box}',
    '.root{all:initial;font-family:var(--kp-font,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif);font-size:15px;line-height:1.45;',
    'color:var(--kp-text,#1f2933);letter-spacing:normal;text-transform:none;text-align:left;font-weight:400;font-style:normal;word-spacing:normal}',
    'button,input,textarea{font:inherit;color:inherit;letter-spacing:inherit;text-transform:none;margin:0}',
    'p,ol,li,blockquote,h2{margin:0;padding:0}',
    '.launcher{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:58px;height:58px;border-radius:50%;border:0;cursor:pointer;',
    'background:var(--kp-primary,#0b5cad);color:var(--kp-on-primary,var(--kp-on-primary-auto,#fff));box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;padding:0}',
    '.left .launcher,.left .panel{right:auto;left:20px}',
    '.launcher svg{width:28px;height:28px;fill:currentColor}',
    'button:focus-visible,input:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid var(--kp-focus,#f5a623);outline-offset:2px}',
    '.panel{position:fixed;bottom:90px;right:20px;z-index:2147483000;width:370px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 120px);',
    'display:flex;flex-direction:column;background:var(--kp-bg,#fff);border-radius:var(--kp-radius,14px);box-shadow:0 10px 40px rgba(0,0,0,.28);overflow:hidden}',
    '.panel[hidden]{display:none}',
    'header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--kp-primary,#0b5cad);color:var(--kp-on-primary,var(--kp-on-primary-auto,#fff))}',
    'header h2{flex:1;font-size:16px;font-weight:600;color:var(--kp-on-primary,var(--kp-on-primary-auto,#fff))}',
    '.icon{background:transparent;border:0;color:inherit;cursor:pointer;font-size:20px;line-height:1;padding:4px 8px;border-radius:6px}',
    '.log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;background:var(--kp-bg,#fff)}',
    '.msg{max-width:88%;padding:9px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}',
    '.user{align-self:flex-end;background:var(--kp-primary,#0b5cad);color:var(--kp-on-primary,var(--kp-on-primary-auto,#fff));border-bottom-right-radius:4px}',
    '.bot{align-self:flex-start;background:var(--kp-bubble,var(--kp-bubble-auto,#eef2f6));color:var(--kp-text,#1f2933);border-bottom-left-radius:4px}',
    '.note{align-self:center;font-size:13px;color:var(--kp-muted,#52606d);text-align:center}',
    '.error{align-self:stretch;background:#fff4e5;color:#663c00;border:1px solid #f5c26b;border-radius:10px;padding:9px 12px;font-size:14px}',
    '.error button{background:transparent;border:0;color:var(--kp-primary,#0b5cad);text-decoration:underline;cursor:pointer;padding:0 2px;font-weight:600}',
    '.link{background:transparent;border:0;color:var(--kp-accent,var(--kp-primary,#0b5cad));text-decoration:underline;cursor:pointer;padding:0 2px;font-weight:600}',
    'details{margin-top:8px;font-size:13px;white-space:normal}',
    'summary{cursor:pointer;color:var(--kp-muted,#52606d);font-weight:600}',
    'details ol{padding-left:18px;margin-top:6px}details li{margin:6px 0}',
    'blockquote{border-left:3px solid #cbd2d9;padding-left:8px;margin-top:3px;color:var(--kp-muted,#52606d)}',
    '.fb{display:flex;gap:6px;margin-top:6px;align-items:center;flex-wrap:wrap;white-space:normal}',
    '.fb button{background:var(--kp-bg,#fff);color:var(--kp-text,#1f2933);border:1px solid #cbd2d9;border-radius:14px;padding:2px 10px;cursor:pointer;font-size:14px}',
    '.fb button svg{width:16px;height:16px;fill:currentColor;vertical-align:-3px}',
    '.fb button[aria-pressed="true"]{background:var(--kp-primary,#0b5cad);color:var(--kp-on-primary,var(--kp-on-primary-auto,#fff));border-color:transparent}',
    '.fb textarea{width:100%;min-height:54px;border:1px solid #cbd2d9;border-radius:8px;padding:6px;background:var(--kp-bg,#fff)}',
    'form.ask{display:flex;gap:8px;padding:10px;border-top:1px solid #e4e7eb;background:var(--kp-bg,#fff)}',
    'form.ask input{flex:1;min-width:0;border:1px solid #cbd2d9;border-radius:10px;padding:9px 11px;background:var(--kp-bg,#fff);color:var(--kp-text,#1f2933)}',
    '.primary{background:var(--kp-primary,#0b5cad);color:var(--kp-on-primary,var(--kp-on-primary-auto,#fff));border:1px solid var(--kp-primary-edge,transparent);border-radius:10px;padding:9px 14px;cursor:pointer;font-weight:600}',
    '.primary:disabled{opacity:.55;cursor:default}',
    '.footer{display:flex;justify-content:center;padding:0 10px 10px;background:var(--kp-bg,#fff)}',
    '.handoff{display:flex;flex-direction:column;gap:6px;padding:10px;border-top:1px solid #e4e7eb;background:var(--kp-bg,#fff)}',
    '.handoff input,.handoff textarea{border:1px solid #cbd2d9;border-radius:8px;padding:7px;background:var(--kp-bg,#fff)}',
    '.handoff[hidden]{display:none}',
    '.actions{display:flex;gap:8px;align-items:center;flex-wrap:wrap}',
    '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
    '@media (max-width:480px){.panel{inset:0;width:100vw;max-width:none;height:100%;max-height:none;border-radius:0}.launcher{bottom:14px;right:14px}}',
    '@media (prefers-reduced-motion:no-preference){.panel{transition:opacity .15s}}'
  ].join('');

  var THUMB = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l.95-4.57.03-.32a1.5 1.5 0 0 0-.44-1.06L13.17 1 6.59 7.59A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z"/></svg>';

  var key = script.getAttribute('data-key') || '';
  var preview = script.hasAttribute('data-preview');
  var api = (script.getAttribute('data-api') || new URL(script.src, location.href).origin).replace(/\/$/, '');
  var storeKey = preview ? 'kp-chat:preview' : 'kp-chat:' + key.slice(-12);
  var state = load();
  var settings = {};
  // The key's stored settings (its knowledge base among them), loaded once at start; a question asked sooner waits for them.
  var configured = Promise.resolve();
  var busy = false;
  var t = TEXT.en;

  function load() {
    try { return JSON.parse(sessionStorage.getItem(storeKey)) || { messages: [] }; } catch (e) { return { messages: [] }; }
  }
  function save() {
    try { sessionStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* storage full or blocked: the chat still works */ }
  }
  function attr(name) { var v = script.getAttribute('data-' + name); return v === null || v === '' ? null : v; }
  function el(tag, props, children) {
    var node = document.createElement(tag);
    for (var p in props || {}) {
      if (p === 'text') node.textContent = props[p];
      else if (p === 'on') for (var ev in props.on) node.addEventListener(ev, props.on[ev]);
      else if (props[p] !== null && props[p] !== undefined) node.setAttribute(p, props[p]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function headers(json) {
    var h = preview ? { 'X-KP-Test-Channel': 'widget' } : { 'X-Api-Key': key };
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }
  function post(path, body, extra) {
    var h = headers(true);
    for (var k in extra || {}) h[k] = extra[k];
    return fetch(api + path, { method: 'POST', headers: h, body: JSON.stringify(body), mode: preview ? 'same-origin' : 'cors', credentials: preview ? 'same-origin' : 'omit' });
  }
  function newId() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }

  // ---- the elements -------------------------------------------------------------------------------
  var hostEl = document.createElement('kp-chat');
  var shadow = hostEl.attachShadow({ mode: 'open' });
  var root = el('div', { 'class': 'root' });
  var launcher = el('button', { 'class': 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'kp-panel' });
  launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var title = el('h2', { id: 'kp-title' });
  var closeBtn = el('button', { 'class': 'icon', type: 'button', text: '×' });
  var log = el('div', { 'class': 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions text' });
  var input = el('input', { type: 'text', id: 'kp-input', autocomplete: 'off', maxlength: '4000' });
  var inputLabel = el('label', { 'for': 'kp-input', 'class': 'sr' });
  var sendBtn = el('button', { type: 'submit', 'class': 'primary' });
  var form = el('form', { 'class': 'ask' }, [inputLabel, input, sendBtn]);
  var humanBtn = el('button', { type: 'button', 'class': 'link', 'aria-expanded': 'false', 'aria-controls': 'kp-handoff' });
  var contact = el('input', { type: 'text', id: 'kp-contact', maxlength: '200' });
  var handoffMsg = el('textarea', { id: 'kp-handoff-message', maxlength: '2000', rows: '2' });
  var handoffSend = el('button', { type: 'submit', 'class': 'primary' });
  var handoffCancel = el('button', { type: 'button', 'class': 'link' });
  var contactLabel = el('label', { 'for': 'kp-contact' });
  var messageLabel = el('label', { 'for': 'kp-handoff-message' });
  var handoff = el('form', { 'class': 'handoff', id: 'kp-handoff', hidden: '' },
    [contactLabel, contact, messageLabel, handoffMsg, el('div', { 'class': 'actions' }, [handoffSend, handoffCancel])]);
  var panel = el('section', { 'class': 'panel', id: 'kp-panel', role: 'dialog', 'aria-labelledby': 'kp-title', hidden: '' },
    [el('header', {}, [title, closeBtn]), log, handoff, form, el('div', { 'class': 'footer' }, [humanBtn])]);
  root.appendChild(launcher);
  root.appendChild(panel);
  var probe = el('span', { hidden: '' });
  shadow.appendChild(el('style', { text: CSS }));
  shadow.appendChild(root);
  shadow.appendChild(probe);

  function applySettings() {
    var lang = (attr('lang') || settings.language || (document.documentElement.lang || 'en')).slice(0, 2).toLowerCase();
    t = TEXT[lang] || TEXT.en;
    var colour = attr('color') || settings.primaryColor;
    if (colour) hostEl.style.setProperty('--kp-primary', colour);
    root.classList.toggle('left', (attr('position') || settings.position) === 'bottom-left');
    title.textContent = attr('title') || settings.title || t.title;
    launcher.setAttribute('aria-label', t.open);
    closeBtn.setAttribute('aria-label', t.close);
    inputLabel.textContent = t.placeholder;
    input.setAttribute('placeholder', t.placeholder);
    sendBtn.textContent = t.send;
    humanBtn.textContent = t.human;
    contactLabel.textContent = t.contact;
    messageLabel.textContent = t.message;
    handoffSend.textContent = t.request;
    handoffCancel.textContent = t.cancel;
    adaptColours();
  }

  /** Whatever the primary colour (settings, data-color or the page's CSS), text on it stays readable and a button
   * in it stays visible on the panel: white or near-black text, whichever contrasts more, and an edge in the text
   * colour where the primary colour is too close to the panel's background. --kp-on-primary set by the page wins. */
  function adaptColours() {
    if (!hostEl.isConnected) return;
    var style = getComputedStyle(hostEl);
    function rgb(colour, fallback) {
      probe.style.color = fallback; if (colour) probe.style.color = colour;
      return (getComputedStyle(probe).color.match(/[\d.]+/g) || [0, 0, 0]).slice(0, 3).map(Number);
    }
    function luminance(c) {
      var l = c.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
      return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    }
    function contrast(a, b) { var x = luminance(a), y = luminance(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
    var primary = rgb(style.getPropertyValue('--kp-primary').trim(), '#0b5cad');
    var background = rgb(style.getPropertyValue('--kp-bg').trim(), '#fff');
    var dark = [17, 24, 39];
    hostEl.style.setProperty('--kp-on-primary-auto', contrast(primary, [255, 255, 255]) >= contrast(primary, dark) ? '#fff' : '#111827');
    var textColour = style.getPropertyValue('--kp-text').trim() || '#1f2933';
    hostEl.style.setProperty('--kp-primary-edge', contrast(primary, background) < 3 ? textColour : 'transparent');
    // Links in the primary colour only where it reads on the panel; the text colour otherwise.
    hostEl.style.setProperty('--kp-accent', contrast(primary, background) >= 4.5 ? 'var(--kp-primary,#0b5cad)' : textColour);
    // The default answer bubble is light: with light text (a dark theme) it turns dark.
    hostEl.style.setProperty('--kp-bubble-auto', contrast(rgb(textColour, '#1f2933'), rgb('#eef2f6', '#eef2f6')) >= 4.5 ? '#eef2f6' : '#374151');
  }

  // ---- rendering ----------------------------------------------------------------------------------
  function render() {
    log.textContent = '';
    log.appendChild(el('div', { 'class': 'msg bot', text: attr('greeting') || settings.greeting || t.greeting }));
    state.messages.forEach(function (m) { log.appendChild(m.role === 'user' ? userBubble(m.text) : botBubble(m)); });
    log.scrollTop = log.scrollHeight;
  }
  function userBubble(text) {
    return el('div', { 'class': 'msg user' }, [el('span', { 'class': 'sr', text: t.you + ': ' }), document.createTextNode(text)]);
  }
  function botBubble(m) {
    var body = el('span', { 'class': 'text', text: m.text });
    var bubble = el('div', { 'class': 'msg bot', 'data-status': m.status || null }, [el('span', { 'class': 'sr', text: t.assistant + ': ' }), body]);
    if (m.citations && m.citations.length) bubble.appendChild(sources(m.citations));
    if (m.status) bubble.appendChild(feedback(m));
    return bubble;
  }
  function sources(citations) {
    var list = el('ol');
    citations.forEach(function (c) {
      var where = [c.documentTitle || c.fileName, c.location, c.page ? 'p. ' + c.page : null].filter(Boolean).join(' · ');
      list.appendChild(el('li', { value: String(c.number) }, [el('strong', { text: where }), el('blockquote', { text: c.quote || '' })]));
    });
    return el('details', { 'class': 'sources' }, [el('summary', { text: t.sources + ' (' + citations.length + ')' }), list]);
  }
  function feedback(m) {
    var box = el('div', { 'class': 'fb' });
    if (m.feedback === 'sent') { box.appendChild(el('span', { 'class': 'note', text: t.thanks })); return box; }
    var up = el('button', { type: 'button', 'class': 'rate', 'aria-label': t.helpful, 'aria-pressed': String(m.rating === 'up') });
    var down = el('button', { type: 'button', 'class': 'rate', 'aria-label': t.notHelpful, 'aria-pressed': String(m.rating === 'down') });
    // Drawn, not emoji: a page without an emoji font shows emoji as empty boxes.
    up.innerHTML = THUMB;
    down.innerHTML = THUMB.replace('<svg ', '<svg style="transform:rotate(180deg)" ');
    var comment = el('textarea', { 'aria-label': t.comment, placeholder: t.comment, maxlength: '2000', hidden: '' });
    var sendFb = el('button', { type: 'button', text: t.sendFeedback, hidden: '' });
    function choose(rating) {
      m.rating = rating;
      up.setAttribute('aria-pressed', String(rating === 'up'));
      down.setAttribute('aria-pressed', String(rating === 'down'));
      comment.hidden = false; sendFb.hidden = false;
      comment.focus();
    }
    up.addEventListener('click', function () { choose('up'); });
    down.addEventListener('click', function () { choose('down'); });
    sendFb.addEventListener('click', function () {
      sendFb.disabled = true;
      if (preview) { m.feedback = 'sent'; save(); box.replaceWith(feedback(m)); return; }
      post('/api/v1/feedback', { rating: m.rating, conversationId: state.conversationId || null, comment: comment.value.trim() || null },
        { 'Idempotency-Key': 'fb-' + m.id })
        .then(function (r) {
          if (!r.ok) throw r;
          m.feedback = 'sent'; save();
          box.replaceWith(feedback(m));
        })
        .catch(function () { sendFb.disabled = false; showError(t.failed); });
    });
    [up, down, comment, sendFb].forEach(function (n) { box.appendChild(n); });
    return box;
  }
  function showError(message, retry) {
    clearErrors();
    var box = el('div', { 'class': 'error', role: 'alert' }, [document.createTextNode(message + ' ')]);
    if (retry) box.appendChild(el('button', { type: 'button', text: t.retry, on: { click: function () { box.remove(); input.focus(); retry(); } } }));
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }
  function clearErrors() { Array.prototype.forEach.call(log.querySelectorAll('.error'), function (n) { n.remove(); }); }

  // ---- asking -------------------------------------------------------------------------------------
  function ask(question) {
    if (busy || !question) return;
    busy = true; sendBtn.disabled = true; clearErrors();
    var pendingUser = state.messages.length && state.messages[state.messages.length - 1].role === 'user' && state.messages[state.messages.length - 1].text === question;
    if (!pendingUser) { state.messages.push({ role: 'user', text: question }); save(); log.appendChild(userBubble(question)); }
    // A question asked before the key's settings arrived waits for them: they name the knowledge base, and showing
    // them redraws the conversation (the visitor's message is kept, being in the state).
    configured
      .then(function () { return answer(question); })
      .then(function () { busy = false; sendBtn.disabled = false; });
  }

  function answer(question) {
    var m = { role: 'bot', id: newId(), text: '', citations: [] };
    var bubble = botBubble({ text: t.thinking });
    bubble.setAttribute('aria-busy', 'true');
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
    var body = bubble.querySelector('.text');
    var kb = attr('kb') || settings.knowledgeBase;
    var finished = false;

    return post('/api/v1/knowledge-bases/' + encodeURIComponent(kb || '') + '/ask', { question: question, stream: true, conversationId: state.conversationId || null })
      .then(function (response) {
        if (!response.ok) throw response;
        return readEvents(response, function (type, data) {
          if (type === 'delta') { if (!m.text) body.textContent = ''; m.text += data.text; body.textContent = m.text; log.scrollTop = log.scrollHeight; }
          else if (type === 'citations') m.citations = data.citations || [];
          else if (type === 'done') { finished = true; m.status = data.status; if (data.conversationId) state.conversationId = data.conversationId; }
          else if (type === 'error') throw new Error(data.detail || 'answer failed');
        });
      })
      .then(function () {
        if (!finished) throw new TypeError('stream ended early');
        state.messages.push(m); save();
        bubble.replaceWith(botBubble(m));
      })
      .catch(function (problem) {
        bubble.remove();
        var again = function () { ask(question); };
        if (problem && problem.status === 429) {
          var wait = parseInt(problem.headers.get('Retry-After') || '30', 10);
          showError(t.busy.replace('{s}', String(isNaN(wait) ? 30 : wait)), again);
        } else if (problem && problem.status === 403) showError(t.refused);
        // The conversation expired: the question starts a new one.
        else if (problem && problem.status === 404 && state.conversationId) { state.conversationId = null; save(); return answer(question); }
        else if (problem instanceof TypeError) showError(t.dropped, again);
        else showError(t.failed, again);
      });
  }

  /** Server-Sent Events over fetch (EventSource cannot send the key header). */
  function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    function dispatch(block) {
      var type = 'message', data = '';
      block.split('\n').forEach(function (line) {
        if (line.indexOf('event:') === 0) type = line.slice(6).trim();
        else if (line.indexOf('data:') === 0) data += line.slice(5).replace(/^ /, '');
      });
      if (data) onEvent(type, JSON.parse(data));
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { if (buffer.trim()) dispatch(buffer); return; }
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r/g, '');
        var at;
        while ((at = buffer.indexOf('\n\n')) >= 0) { dispatch(buffer.slice(0, at)); buffer = buffer.slice(at + 2); }
        return pump();
      });
    }
    return pump();
  }

  // ---- handoff ------------------------------------------------------------------------------------
  function toggleHandoff(show) {
    handoff.hidden = !show;
    humanBtn.setAttribute('aria-expanded', String(show));
    if (show) contact.focus(); else humanBtn.focus();
  }
  humanBtn.addEventListener('click', function () { toggleHandoff(handoff.hidden); });
  handoffCancel.addEventListener('click', function () { toggleHandoff(false); });
  handoff.addEventListener('submit', function (e) {
    e.preventDefault();
    handoffSend.disabled = true;
    if (preview) {
      toggleHandoff(false); handoffSend.disabled = false;
      log.appendChild(el('div', { 'class': 'note', role: 'status', text: t.handedOver + ' (Preview: nothing was sent.)' }));
      return;
    }
    post('/api/v1/handoffs', { conversationId: state.conversationId || null, contact: contact.value.trim() || null, message: handoffMsg.value.trim() || null },
      { 'Idempotency-Key': 'ho-' + newId() })
      .then(function (r) {
        if (!r.ok) throw r;
        return r.json();
      })
      .then(function (recorded) {
        // What really happens: a webhook passes the request on at once; without one it waits in the team's inbox.
        var told = recorded && recorded.webhook === 'not_configured' ? t.recorded : t.handedOver;
        if (!recorded || !recorded.contact) told += ' ' + t.noContact;
        toggleHandoff(false);
        contact.value = ''; handoffMsg.value = '';
        log.appendChild(el('div', { 'class': 'note', role: 'status', text: told }));
        log.scrollTop = log.scrollHeight;
      })
      .catch(function (problem) { showError(problem && problem.status === 429 ? t.busy.replace('{s}', problem.headers.get('Retry-After') || '30') : t.failed); })
      .then(function () { handoffSend.disabled = false; });
  });

  // ---- opening and closing ------------------------------------------------------------------------
  /** focus: move focus into the panel (the visitor opened it) or back to the launcher (they closed it); a panel
   * reopened on page load takes no focus from the page. */
  function setOpen(open, focus) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? t.close : t.open);
    state.open = open; save();
    if (open) { log.scrollTop = log.scrollHeight; if (focus) input.focus(); }
    else if (focus) launcher.focus();
  }
  launcher.addEventListener('click', function () { setOpen(panel.hidden, true); });
  closeBtn.addEventListener('click', function () { setOpen(false, true); });
  root.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !panel.hidden) { e.stopPropagation(); setOpen(false, true); }
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q) return;
    input.value = '';
    ask(q);
  });

  function start() {
    applySettings();
    render();
    document.body.appendChild(hostEl);
    adaptColours();
    if (state.open || preview) setOpen(true, false);
    // The preview shows the portal's unsaved settings exactly, so it reads no stored ones.
    if (preview) return;
    configured = fetch(api + '/api/v1/widget/config', { headers: headers(false), mode: 'cors', credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw r; return r.json(); })
      .then(function (config) { settings = config || {}; applySettings(); render(); })
      .catch(function (problem) {
        // A page on an origin the key does not allow gets no CORS answer: the browser reports a network error.
        showError(problem && problem.status === 429 ? t.busy.replace('{s}', problem.headers.get('Retry-After') || '30') : t.refused);
        input.disabled = true; sendBtn.disabled = true; humanBtn.disabled = true;
      });
  }
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
