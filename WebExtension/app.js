// SPDX-License-Identifier: GPL-3.0-or-later
// The DICOM-Mail page: outbox, inbox, partners, keys and mail accounts of
// this site, refreshed every few seconds. Plain JavaScript, no framework;
// everything is built with textContent (no HTML from the server is trusted).
// Every text comes from i18n-<language>.json through T(); dates and numbers
// are formatted with Intl for the language shown.

(function ()
{
  'use strict';

  var API = '..';                     // the page is /dicom-mail/app/app.html
  var EXPLORER = '../../app/explorer.html';
  var REFRESH_MS = 4000;

  var LANGUAGES = ['de', 'en'];
  var LANGUAGE_KEY = 'dicom-mail-language';
  var PAGE_SIZE = 50;

  var keysByFingerprint = {};        // the last listing, for the certify dialog
  var openDetail = null;             // function that re-renders the open detail dialog
  var refreshing = false;

  // ------------------------------------------------------------------ REST

  // Resolves with the parsed JSON (or null for an empty body); rejects with an
  // Error whose message is the words to show.
  function Api(method, path, body, contentType)
  {
    var options = { method: method, headers: {}, cache: 'no-store', credentials: 'same-origin' };
    if (body !== undefined)
    {
      if (typeof body === 'string')
      {
        options.body = body;
        // Never text/plain: the plugin refuses the types a cross-site form can send.
        options.headers['Content-Type'] = contentType || 'application/json';
      }
      else
      {
        options.body = JSON.stringify(body);
        options.headers['Content-Type'] = 'application/json';
      }
    }
    return fetch(API + path, options).then(function (response)
    {
      return response.text().then(function (text)
      {
        var json = null;
        if (text.length > 0)
        {
          try
          {
            json = JSON.parse(text);
          }
          catch (e)
          {
            json = undefined;
          }
        }
        if (!response.ok)
        {
          var message = json && typeof json.Message === 'string' && json.Message.length > 0 ?
            json.Message : 'HTTP ' + response.status + ' ' + response.statusText +
            (text ? ': ' + text.substring(0, 300) : '');
          if (json && typeof json.Details === 'string' && json.Details.length > 0)
          {
            message += ' (' + json.Details + ')';
          }
          throw new Error(message);
        }
        if (json === undefined)
        {
          throw new Error(T('error.notJson', { request: method + ' ' + path }));
        }
        return json;
      });
    }, function (error)
    {
      throw new Error(T('error.noAnswer', { message: error.message }));
    });
  }

  // ------------------------------------------------------------------ DOM helpers

  function El(tag, attributes, children)
  {
    var node = document.createElement(tag);
    var name;
    for (name in attributes || {})
    {
      if (name === 'className')
      {
        node.className = attributes[name];
      }
      else if (name === 'text')
      {
        node.textContent = attributes[name];
      }
      else if (name === 'onclick')
      {
        node.addEventListener('click', attributes[name]);
      }
      else if (attributes[name] !== undefined && attributes[name] !== null)
      {
        node.setAttribute(name, attributes[name]);
      }
    }
    (children || []).forEach(function (child)
    {
      if (child === null || child === undefined)
      {
        return;
      }
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function Td(content, className)
  {
    var cell = El('td', { className: className });
    if (content instanceof Node)
    {
      cell.appendChild(content);
    }
    else
    {
      cell.textContent = content === undefined || content === null ? '' : String(content);
    }
    return cell;
  }

  function ShowError(box, message)
  {
    if (message)
    {
      box.textContent = message;
      box.hidden = false;
    }
    else
    {
      box.textContent = '';
      box.hidden = true;
    }
  }

  function SectionError(id, message)
  {
    ShowError(document.querySelector('#' + id + ' .section-error'), message);
  }

  var noticeTimer = null;
  function Notice(message)
  {
    var box = document.getElementById('notice');
    box.textContent = message;
    box.hidden = false;
    if (noticeTimer !== null)
    {
      clearTimeout(noticeTimer);
    }
    noticeTimer = setTimeout(function ()
    {
      box.hidden = true;
    }, 8000);
  }

  function GlobalError(message)
  {
    ShowError(document.getElementById('global-error'), message);
  }

  // ------------------------------------------------------------------ languages

  var language = 'en';
  var texts = {};

  // The saved choice, else the browser's first language we speak, else English.
  function InitialLanguage()
  {
    var saved = null;
    try
    {
      saved = window.localStorage.getItem(LANGUAGE_KEY);
    }
    catch (e)
    {
      saved = null;           // storage switched off: follow the browser
    }
    if (LANGUAGES.indexOf(saved) >= 0)
    {
      return saved;
    }
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < wanted.length; i++)
    {
      var code = String(wanted[i] || '').toLowerCase().split('-')[0];
      if (LANGUAGES.indexOf(code) >= 0)
      {
        return code;
      }
    }
    return 'en';
  }

  function LoadTexts(code)
  {
    return fetch('i18n-' + code + '.json', { cache: 'no-store', credentials: 'same-origin' }).then(function (r)
    {
      if (!r.ok)
      {
        throw new Error('i18n-' + code + '.json: HTTP ' + r.status);
      }
      return r.json();
    }).then(function (json)
    {
      language = code;
      texts = json;
      document.documentElement.lang = code;
    });
  }

  // The text of "key" with {name} replaced by params.name. A missing key shows
  // as itself, which the i18n test catches before a user does.
  function T(key, params)
  {
    var text = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key;
    return text.replace(/\{(\w+)\}/g, function (whole, name)
    {
      return params && params[name] !== undefined && params[name] !== null ? String(params[name]) : whole;
    });
  }

  // The static texts of app.html: data-i18n (content), data-i18n-title,
  // data-i18n-aria-label and the state filters' options.
  function TranslatePage()
  {
    document.querySelectorAll('[data-i18n]').forEach(function (node)
    {
      node.textContent = T(node.getAttribute('data-i18n'));
    });
    document.querySelectorAll('[data-i18n-title]').forEach(function (node)
    {
      node.title = T(node.getAttribute('data-i18n-title'));
    });
    document.querySelectorAll('[data-i18n-aria-label]').forEach(function (node)
    {
      node.setAttribute('aria-label', T(node.getAttribute('data-i18n-aria-label')));
    });
    document.querySelectorAll('select[data-states]').forEach(function (select)
    {
      var chosen = select.value;
      Array.prototype.slice.call(select.options, 1).forEach(function (o) { select.removeChild(o); });
      select.getAttribute('data-states').split(' ').forEach(function (state)
      {
        select.appendChild(El('option', { value: state, text: T('state.' + state) }));
      });
      select.value = chosen;
    });
    document.getElementById('language').value = language;
    document.title = T('page.title');
  }

  function SwitchLanguage(code)
  {
    try
    {
      window.localStorage.setItem(LANGUAGE_KEY, code);
    }
    catch (e)
    {
      // Not remembered, but switched all the same.
    }
    return LoadTexts(code).then(function ()
    {
      TranslatePage();
      return Refresh();
    }, function (e)
    {
      GlobalError(e.message);
    });
  }

  // ------------------------------------------------------------------ formatting

  function Number_(n, digits)
  {
    return new Intl.NumberFormat(language, { maximumFractionDigits: digits || 0 }).format(n);
  }

  // A mailbox's quota: "860 kB of 1 MB (84 %)", the time it was read on hover.
  function Quota(q)
  {
    if (!q || !q.Offered)
    {
      return q ? T('accounts.quotaNone') : '';
    }
    if (!q.LimitBytes)
    {
      return T('accounts.quotaUnlimited');
    }
    var read = Time(q.ReadAt);
    return El('span', { title: T('accounts.quotaReadAt', { time: read && read.textContent || q.ReadAt }),
      text: T('accounts.quotaUsed', { used: FormatBytes(q.UsedBytes), limit: FormatBytes(q.LimitBytes),
        percent: Number_(q.Percent) }) });
  }

  function FormatBytes(n)
  {
    if (typeof n !== 'number' || !isFinite(n))
    {
      return '';
    }
    var units = ['kB', 'MB', 'GB', 'TB'];
    if (n < 1000)
    {
      return T('unit.bytes', { n: Number_(n) });
    }
    var i = -1;
    while (n >= 1000 && i < units.length - 1)
    {
      n /= 1000;
      i++;
    }
    return Number_(n, n < 100 ? 1 : 0) + '\u00a0' + units[i];
  }

  function FormatSpeed(bytesPerSecond)
  {
    return bytesPerSecond > 0 ? T('unit.speed', { size: FormatBytes(bytesPerSecond) }) : '';
  }

  function FormatDuration(seconds)
  {
    if (typeof seconds !== 'number' || !isFinite(seconds) || seconds < 0)
    {
      return '';
    }
    if (seconds < 10)
    {
      return T('unit.seconds', { n: Number_(seconds, 1) });
    }
    seconds = Math.round(seconds);
    if (seconds < 60)
    {
      return T('unit.seconds', { n: Number_(seconds) });
    }
    if (seconds < 3600)
    {
      return T('unit.minutes', { m: Math.floor(seconds / 60), s: seconds % 60 });
    }
    return T('unit.hours', { h: Math.floor(seconds / 3600), m: Math.floor(seconds % 3600 / 60) });
  }

  // The stores' UTC strings ("2026-11-28T04:15:02Z") and Orthanc's
  // "20240131T235959" to a Date; null for anything else.
  function ParseTime(value)
  {
    if (value === null || value === undefined || value === '')
    {
      return null;
    }
    var text = String(value);
    var m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(text);
    var date = m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : new Date(text);
    return /^\d{4}/.test(text) && !isNaN(date.getTime()) ? date : null;
  }

  function IsoUtc(date)
  {
    return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  // A time in the browser's time zone, in the language's form, with the UTC
  // value on hover.
  function Time(value)
  {
    var date = ParseTime(value);
    if (!date)
    {
      return value ? String(value) : '';
    }
    return El('time', { datetime: IsoUtc(date), title: T('time.utc', { time: IsoUtc(date) }), text:
      new Intl.DateTimeFormat(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
                                          minute: '2-digit', second: '2-digit' }).format(date) });
  }

  function Groups(fingerprint)
  {
    var clean = String(fingerprint || '').replace(/\s+/g, '').toUpperCase();
    var groups = [];
    for (var i = 0; i < clean.length; i += 4)
    {
      groups.push(clean.substring(i, i + 4));
    }
    return groups;
  }

  // A fingerprint as groups of four, on two lines of five groups.
  function Fingerprint(fingerprint, grouped)
  {
    var groups = grouped ? String(grouped).trim().split(/\s+/) : Groups(fingerprint);
    var node = El('span', { className: 'fpr', 'data-fingerprint': String(fingerprint || '').replace(/\s+/g, '') });
    if (groups.length === 0 || groups[0] === '')
    {
      node.textContent = T('common.none');
      return node;
    }
    for (var i = 0; i < groups.length; i += 5)
    {
      node.appendChild(El('span', { className: 'fpr-line', text: groups.slice(i, i + 5).join(' ') }));
    }
    return node;
  }

  var STATE_CLASSES = {
    acknowledged: 'good', sent: 'good', complete: 'good', ok: 'good', imported: 'good', usable: 'good', accepted: 'good',
    pending: 'busy', sending: 'busy', receiving: 'busy', received: 'busy', 'never-contacted': '',
    'complete-with-warnings': 'warn', canceled: 'warn', quarantined: 'warn', warning: 'warn',
    failed: 'bad', error: 'bad', rejected: 'bad', unusable: 'bad',
    queued: 'busy', forwarding: 'busy', retrying: 'warn', forwarded: 'good'
  };
  var STATE_ICONS = { good: '\u2714', bad: '\u2716', warn: '\u26a0', busy: '\u21bb' };

  // A state as a word with an icon; the raw value stays in data-state.
  function State(state)
  {
    var kind = STATE_CLASSES[state] || '';
    return El('span', { className: 'state ' + kind, 'data-state': state }, [
      STATE_ICONS[kind] ? El('span', { 'aria-hidden': 'true', text: STATE_ICONS[kind] + ' ' }) : null,
      T('state.' + state)
    ]);
  }

  // What the partner's acknowledgement (MDN) of one mail says, in words; the
  // raw disposition stays on hover.
  function Acknowledgement(mail, requested)
  {
    var kinds = { acknowledged: ['good', 'ack.received'], warning: ['warn', 'ack.warning'],
                  failed: ['bad', 'ack.refused'] };
    var kind = mail.Acknowledgement ? kinds[mail.State] : null;
    if (!kind)
    {
      kind = requested === false ? ['', 'ack.notRequested'] :
        (mail.State === 'sent' ? ['busy', 'ack.awaited'] : ['', 'ack.none']);
    }
    // The partner's reason is the modifier of its disposition; ours is in the Reason column.
    var detail = mail.State === 'failed' || mail.State === 'warning' ? Modifier(mail.Acknowledgement) : '';
    return El('span', { className: 'state ' + kind[0], 'data-ack': kind[1].replace('ack.', ''),
                        title: mail.Acknowledgement || '' }, [
      STATE_ICONS[kind[0]] ? El('span', { 'aria-hidden': 'true', text: STATE_ICONS[kind[0]] + ' ' }) : null,
      T(kind[1]) + (detail ? ': ' + detail : '')
    ]);
  }

  // "automatic-action/MDN-sent-automatically;processed/error: no space" -> "error: no space"
  function Modifier(disposition)
  {
    var m = /;[^/]*\/(.*)$/.exec(String(disposition || ''));
    return m ? m[1] : '';
  }

  function EmptyRow(tbody, columns, text)
  {
    tbody.appendChild(El('tr', {}, [El('td', { className: 'empty', colspan: columns, text: text })]));
  }

  // New rows for old; a row that had the keyboard focus keeps it across the
  // refresh every few seconds.
  function Replace(tbody, rows)
  {
    var focused = document.activeElement;
    var setId = focused && focused.parentNode === tbody ? focused.getAttribute('data-set-id') : null;
    while (tbody.firstChild)
    {
      tbody.removeChild(tbody.firstChild);
    }
    rows.forEach(function (row)
    {
      tbody.appendChild(row);
      if (setId !== null && row.getAttribute('data-set-id') === setId)
      {
        row.focus();
      }
    });
  }

  function Count(a, b)
  {
    return T('common.count', { n: typeof a === 'number' ? a : '?', total: typeof b === 'number' ? b : '?' });
  }

  function $Array(value)
  {
    return Array.isArray(value) ? value : [];
  }

  // ------------------------------------------------------------------ progress

  // The first time the page saw each transfer in flight, to measure its
  // speed from what moved while it was watched.
  var firstSeen = {};

  function Progress(label, done, total)
  {
    var bar = El('progress', { max: String(Math.max(total, 1)), value: String(Math.min(done, total)),
                               'aria-label': label });
    return bar;
  }

  // An outbox transfer in flight: mails sent and acknowledged, bytes, speed
  // and time left, from the list's own fields.
  function OutboxProgress(t)
  {
    var now = Date.now();
    var seen = firstSeen[t.SetId];
    if (!seen)
    {
      seen = firstSeen[t.SetId] = { at: now, bytes: t.BytesSent || 0, mails: t.MailsSent || 0 };
    }
    var created = ParseTime(t.Created);
    var elapsed = created ? Math.max((now - created.getTime()) / 1000, 1) : 0;
    var speed = now - seen.at >= 2000 && t.BytesSent > seen.bytes ?
      (t.BytesSent - seen.bytes) / ((now - seen.at) / 1000) : (elapsed > 0 ? (t.BytesSent || 0) / elapsed : 0);
    var left = t.MailsSent > 0 && t.TotalMails > t.MailsSent && elapsed > 0 ?
      elapsed / t.MailsSent * (t.TotalMails - t.MailsSent) : null;
    var facts = [T('progress.sent', { n: t.MailsSent || 0, total: t.TotalMails || '?' })];
    if (t.AcknowledgementsRequested !== false)
    {
      facts.push(T('progress.acknowledged', { n: t.MailsAcknowledged || 0 }));
    }
    if (t.BytesSent)
    {
      facts.push(FormatBytes(t.BytesSent));
    }
    if (speed > 0 && t.MailsSent < t.TotalMails)
    {
      facts.push(FormatSpeed(speed));
    }
    if (left !== null)
    {
      facts.push(T('progress.left', { time: FormatDuration(left) }));
    }
    var sentAndAcked = (t.MailsSent || 0) + (t.AcknowledgementsRequested === false ? t.MailsSent || 0 :
                                             t.MailsAcknowledged || 0);
    return El('div', { className: 'progress', 'data-progress': 'outbox' }, [
      Progress(T('progress.outboxLabel'), sentAndAcked, 2 * (t.TotalMails || 0)),
      El('div', { className: 'progress-facts', text: facts.join(' \u00b7 ') })
    ]);
  }

  function InboxProgress(t)
  {
    return El('div', { className: 'progress', 'data-progress': 'inbox' }, [
      Progress(T('progress.inboxLabel'), t.MailsReceived || 0, t.MailsExpected || 0),
      El('div', { className: 'progress-facts', text: T('progress.received', { n: t.MailsReceived || 0,
        total: t.MailsExpected || '?' }) + (t.Bytes ? ' \u00b7 ' + FormatBytes(t.Bytes) : '') })
    ]);
  }

  // ------------------------------------------------------------------ dialogs

  var lastFocus = null;
  var lastFocusSection = null;

  function OpenModal(id, focus)
  {
    var dialog = document.getElementById(id);
    lastFocus = document.activeElement;
    lastFocusSection = lastFocus && lastFocus.closest ? lastFocus.closest('section') : null;
    dialog.hidden = false;
    var first = focus || dialog.querySelector('button.cancel');
    if (first)
    {
      first.focus();
    }
    return dialog;
  }

  function CloseModal(id)
  {
    var dialog = document.getElementById(id);
    if (dialog.hidden)
    {
      return;
    }
    dialog.hidden = true;
    if (id === 'detail-dialog')
    {
      openDetail = null;
    }
    // The row that opened the dialog may have been redrawn meanwhile.
    var back = lastFocus;
    if (back && !document.body.contains(back) && back.getAttribute && back.getAttribute('data-set-id'))
    {
      back = lastFocusSection ? lastFocusSection.querySelector('tr[data-set-id="' +
        CSS.escape(back.getAttribute('data-set-id')) + '"]') : null;
    }
    if (back && back.focus)
    {
      back.focus();
    }
  }

  // Tab stays inside an open dialog.
  function TrapFocus(e)
  {
    var dialog = document.querySelector('.modal:not([hidden])');
    if (!dialog || e.key !== 'Tab')
    {
      return;
    }
    var focusable = Array.prototype.filter.call(dialog.querySelectorAll(
      'button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])'), function (n)
    {
      return !n.disabled && n.offsetParent !== null;
    });
    if (focusable.length === 0)
    {
      return;
    }
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first)
    {
      last.focus();
      e.preventDefault();
    }
    else if (!e.shiftKey && document.activeElement === last)
    {
      first.focus();
      e.preventDefault();
    }
  }

  // A table of the mails of a transfer: each column has its label key and
  // how to show a mail's value.
  function DetailTable(items, columns)
  {
    var head = El('tr', {}, columns.map(function (c) { return El('th', { scope: 'col', text: T(c.label) }); }));
    var body = El('tbody');
    items.forEach(function (item)
    {
      body.appendChild(El('tr', { 'data-part': item.Part }, columns.map(function (c)
      {
        var value = c.show(item);
        return Td(value === undefined || value === null ? '' : value, c.className);
      })));
    });
    // Focusable, so a table that scrolls inside the dialog scrolls by keyboard too.
    return El('div', { className: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': T('detail.mails') }, [
      El('table', { className: 'list detail' }, [El('thead', {}, [head]), body])
    ]);
  }

  function Facts(pairs)
  {
    var dl = El('dl', { className: 'facts' });
    pairs.forEach(function (pair)
    {
      if (pair[1] === undefined || pair[1] === null || pair[1] === '')
      {
        return;
      }
      dl.appendChild(El('dt', { text: T(pair[0]) }));
      var dd = El('dd');
      if (pair[1] instanceof Node)
      {
        dd.appendChild(pair[1]);
      }
      else
      {
        dd.textContent = String(pair[1]);
      }
      dl.appendChild(dd);
    });
    return dl;
  }

  function ShowDetail(title, path, render)
  {
    var dialog = document.getElementById('detail-dialog');
    var body = dialog.querySelector('.detail-body');
    var error = dialog.querySelector('.dialog-error');
    dialog.querySelector('h2').textContent = title;
    ShowError(error, '');
    body.textContent = T('common.loading');
    var load = function ()
    {
      return Api('GET', path).then(function (detail)
      {
        ShowError(error, '');
        body.textContent = '';
        body.appendChild(render(detail));
      }, function (e)
      {
        ShowError(error, T('error.load', { what: title, message: e.message }));
      });
    };
    openDetail = load;
    OpenModal('detail-dialog');
    load();
  }

  function PartnerName(t)
  {
    return t.PartnerName && t.PartnerName !== t.Partner ? t.PartnerName + ' (' + t.Partner + ')' : t.Partner;
  }

  function ShowOutboxDetail(setId)
  {
    ShowDetail(T('outbox.detailTitle', { setId: setId }), '/outbox/' + encodeURIComponent(setId), function (t)
    {
      var job = t.JobId ? El('a', { href: EXPLORER + '#job?uuid=' + encodeURIComponent(t.JobId), text: t.JobId }) :
        null;
      var inFlight = t.State === 'pending' || t.State === 'sending' ||
        (t.State === 'sent' && t.AcknowledgementsRequested !== false);
      return El('div', { 'data-set-id': setId }, [
        Facts([
          ['col.partner', PartnerName(t)], ['outbox.col.recipient', t.Recipient], ['col.state', State(t.State)],
          ['col.reason', t.Reason], ['outbox.col.created', Time(t.Created)], ['outbox.finished', Time(t.Finished)],
          ['progress.title', inFlight ? OutboxProgress(t) : null],
          ['col.instances', t.TotalInstances], ['outbox.col.sent', Count(t.MailsSent, t.TotalMails)],
          ['outbox.col.acknowledged', t.AcknowledgementsRequested === false ? T('ack.notRequested') :
            Count(t.MailsAcknowledged, t.TotalMails)],
          ['col.size', FormatBytes(t.BytesSent)],
          ['outbox.studyUids', $Array(t.StudyInstanceUIDs).join(', ')], ['filter.setId', setId],
          ['outbox.job', job]
        ]),
        El('h3', { text: T('detail.mails') }),
        $Array(t.Mails).length > 0 ? DetailTable(t.Mails, [
          { label: 'mail.part', show: function (m) { return El('span', { title: m.MessageId ?
            T('mail.messageId', { id: m.MessageId }) : null, text: Count(m.Part, t.TotalMails) }); } },
          { label: 'col.state', show: function (m) { return State(m.State); } },
          { label: 'col.size', show: function (m) { return FormatBytes(m.Bytes); } },
          { label: 'mail.fragments', show: function (m) { return m.Fragments ? Number_(m.Fragments) : T('mail.whole'); } },
          { label: 'mail.attempts', show: function (m) { return Number_(m.Attempts || 0); } },
          { label: 'mail.sentAt', show: function (m) { return Time(m.SentAt); } },
          { label: 'mail.duration', show: function (m)
            {
              return m.SentAt ? FormatDuration(m.DurationMs / 1000) + (m.DurationMs > 0 && m.Bytes ?
                ' \u00b7 ' + FormatSpeed(m.Bytes / (m.DurationMs / 1000)) : '') : '';
            } },
          { label: 'mail.acknowledgement', className: 'ack',
            show: function (m) { return Acknowledgement(m, t.AcknowledgementsRequested); } },
          { label: 'mail.acknowledgedAt', show: function (m) { return Time(m.AcknowledgedAt); } },
          { label: 'col.reason', className: 'reason', show: function (m) { return m.Reason; } }
        ]) : El('p', { className: 'muted', text: T('detail.noMails') })
      ]);
    });
  }

  // Viewer plugins (GET /plugins) and how each opens a study.
  var VIEWERS = {
    'stone-webviewer': function (s) { return '../../stone-webviewer/index.html?study=' + encodeURIComponent(s.uid); },
    'osimis-web-viewer': function (s) { return '../../osimis-viewer/app/index.html?study=' + encodeURIComponent(s.id); },
    'web-viewer': function (s)
    {
      return s.series ? '../../web-viewer/app/viewer.html?series=' + encodeURIComponent(s.series) : null;
    }
  };
  var viewer = null;                  // the name of the installed viewer, once known
  var studies = {};                   // Orthanc study id -> { id, uid, series, description }

  function FindViewer()
  {
    return Api('GET', '/../plugins').then(function (plugins)
    {
      viewer = Object.keys(VIEWERS).filter(function (name) { return $Array(plugins).indexOf(name) >= 0; })[0] ||
        null;
    }, function ()
    {
      viewer = null;                  // no link to a viewer, the Explorer link stays
    });
  }

  // The links of one received study: Orthanc Explorer, and the viewer when
  // one is installed (it needs the study's UID or a series, read once).
  function StudyLinks(studyId)
  {
    var node = El('span', { className: 'study-links', 'data-study': studyId }, [
      El('a', { href: EXPLORER + '#study?uuid=' + encodeURIComponent(studyId), className: 'open-study',
                text: T('inbox.openExplorer'), onclick: function (e) { e.stopPropagation(); } })
    ]);
    if (!viewer)
    {
      return node;
    }
    var addViewer = function (study)
    {
      var href = VIEWERS[viewer](study);
      if (href)
      {
        node.appendChild(document.createTextNode(' '));
        node.appendChild(El('a', { href: href, className: 'open-viewer', target: '_blank', rel: 'noopener',
          text: T('inbox.openViewer'), onclick: function (e) { e.stopPropagation(); } }));
      }
    };
    if (studies[studyId])
    {
      addViewer(studies[studyId]);
    }
    else
    {
      Api('GET', '/../studies/' + encodeURIComponent(studyId)).then(function (s)
      {
        studies[studyId] = { id: studyId, uid: s.MainDicomTags && s.MainDicomTags.StudyInstanceUID,
                             series: $Array(s.Series)[0] };
        addViewer(studies[studyId]);
      }, function ()
      {
        // Deleted from Orthanc since: the Explorer link says so when followed.
      });
    }
    return node;
  }

  function ShowInboxDetail(setId)
  {
    ShowDetail(T('inbox.detailTitle', { setId: setId }), '/inbox/' + encodeURIComponent(setId), function (t)
    {
      var links = El('div');
      $Array(t.Studies).forEach(function (id) { links.appendChild(El('div', {}, [StudyLinks(id)])); });
      return El('div', { 'data-set-id': setId }, [
        Facts([
          ['col.partner', PartnerName(t)], ['inbox.col.sender', t.Sender],
          ['inbox.col.signedBy', t.SignerFingerprint ? Fingerprint(t.SignerFingerprint) : ''],
          ['col.state', State(t.State)], ['inbox.col.reasons', $Array(t.Reasons).join('\n')],
          ['progress.title', t.State === 'receiving' ? InboxProgress(t) : null],
          ['forward.title', Forward(t)],
          ['inbox.col.firstReceived', Time(t.FirstReceived)], ['inbox.completed', Time(t.CompletedAt)],
          ['inbox.col.mails', Count(t.MailsReceived, t.MailsExpected)],
          ['inbox.imported', Number_(t.InstancesImported || 0)], ['inbox.failed', Number_(t.InstancesFailed || 0)],
          ['inbox.alreadyStored', Number_(t.InstancesAlreadyStored || 0)], ['col.size', FormatBytes(t.Bytes)],
          ['inbox.transferTime', typeof t.TransferSeconds === 'number' ? FormatDuration(t.TransferSeconds) : ''],
          ['filter.setId', setId], ['inbox.col.open', $Array(t.Studies).length ? links : null]
        ]),
        El('h3', { text: T('detail.mails') }),
        $Array(t.Mails).length > 0 ? DetailTable(t.Mails, [
          { label: 'mail.part', show: function (m) { return El('span', { title: m.MessageId ?
            T('mail.messageId', { id: m.MessageId }) : null, text: Count(m.Part, m.Total || t.MailsExpected) }); } },
          { label: 'col.state', show: function (m) { return State(m.State); } },
          { label: 'col.reason', className: 'reason', show: function (m) { return m.Reason; } },
          { label: 'col.size', show: function (m) { return FormatBytes(m.Bytes); } },
          { label: 'mail.receivedAt', show: function (m) { return Time(m.ReceivedAt); } },
          { label: 'mail.processedAt', show: function (m) { return Time(m.ProcessedAt); } },
          { label: 'mail.acknowledgementSent', show: function (m)
            {
              return m.Disposition ? El('span', { title: m.Disposition, text: T(Modifier(m.Disposition) ?
                'ack.sentWarning' : 'ack.sent') }) : T('ack.none');
            } },
          { label: 'mail.account', show: function (m)
            {
              // Only a verified mail carries FoundIn: one from a spam folder.
              return m.FoundIn ? m.Account + ' \u00b7 ' + T('mail.foundIn', { folder: m.FoundIn }) : m.Account;
            } },
          { label: 'mail.fromName', show: function (m) { return m.FromName; } }
        ]) : El('p', { className: 'muted', text: T('detail.noMails') })
      ]);
    });
  }

  // The certify dialog: the fingerprint in large groups, the phone check,
  // then POST .../certify.
  function FillFingerprint(dialog, fingerprint)
  {
    var key = keysByFingerprint[fingerprint];
    var large = dialog.querySelector('.fingerprint-large');
    large.textContent = '';
    var groups = key && key.FingerprintGroups ? key.FingerprintGroups.trim().split(/\s+/) : Groups(fingerprint);
    groups.forEach(function (g)
    {
      large.appendChild(El('span', { className: 'group', text: g }));
    });
    dialog.querySelector('.user-ids').textContent =
      key ? $Array(key.UserIds).map(function (u) { return u.UserId; }).join('; ') : '';
  }

  var COMPARER_KEY = 'dicom-mail-compared-by';

  // A name typed before (only a convenience: without storage it is typed again).
  function Remembered(key)
  {
    try
    {
      return window.localStorage.getItem(key) || '';
    }
    catch (e)
    {
      return '';
    }
  }

  function Remember(key, value)
  {
    try
    {
      window.localStorage.setItem(key, value);
    }
    catch (e)
    {
      // Only a convenience.
    }
  }

  function RememberedComparer()
  {
    return Remembered(COMPARER_KEY);
  }

  function Certify(fingerprint, comparedBy)
  {
    Remember(COMPARER_KEY, comparedBy);
    return Api('POST', '/keys/' + encodeURIComponent(fingerprint) + '/certify',
               { Exportable: false, ComparedBy: comparedBy, ComparisonMethod: 'phone' });
  }

  function OpenCertify(fingerprint)
  {
    var dialog = document.getElementById('certify-dialog');
    FillFingerprint(dialog, fingerprint);
    ShowError(dialog.querySelector('.dialog-error'), '');
    dialog.querySelector('input[name=ComparedBy]').value = RememberedComparer();
    dialog.querySelector('button.confirm').disabled = false;
    dialog.setAttribute('data-fingerprint', fingerprint);
    OpenModal('certify-dialog');
  }

  function ConfirmCertify()
  {
    var dialog = document.getElementById('certify-dialog');
    var fingerprint = dialog.getAttribute('data-fingerprint');
    var error = dialog.querySelector('.dialog-error');
    var confirm = dialog.querySelector('button.confirm');
    var comparedBy = dialog.querySelector('input[name=ComparedBy]').value.trim();
    if (!comparedBy)
    {
      ShowError(error, T('certify.nameNeeded'));
      dialog.querySelector('input[name=ComparedBy]').focus();
      return;
    }
    confirm.disabled = true;
    Certify(fingerprint, comparedBy).then(function ()
    {
      CloseModal('certify-dialog');
      Notice(T('certify.done', { fingerprint: Groups(fingerprint).join(' ') }));
      return Refresh();
    }, function (e)
    {
      ShowError(error, T('certify.failed', { message: e.message }));
      confirm.disabled = false;
    });
  }

  // ------------------------------------------------------------------ guided key exchange

  // One flow for a new partner: the key (pasted or from a file), the
  // fingerprint read aloud on the phone and confirmed with the name of who
  // compared it, certification, then addresses and limits. Opened from a
  // quarantined mail, it ends with Retry of that mail.
  var wizard = null;                 // { step, fingerprint, retrySetId }

  function WizardStep(step)
  {
    var dialog = document.getElementById('partner-dialog');
    wizard.step = step;
    dialog.querySelectorAll('.step').forEach(function (node)
    {
      node.hidden = node.getAttribute('data-step') !== step;
    });
    dialog.querySelectorAll('.steps li').forEach(function (li)
    {
      if (li.getAttribute('data-step') === step)
      {
        li.setAttribute('aria-current', 'step');
      }
      else
      {
        li.removeAttribute('aria-current');
      }
    });
    var next = dialog.querySelector('button.next');
    next.textContent = T(step === 'key' ? 'wizard.import' : step === 'compare' ? 'wizard.certify' :
                         wizard.retrySetId ? 'wizard.saveAndRetry' : 'wizard.save');
    next.disabled = false;
    ShowError(dialog.querySelector('.dialog-error'), '');
    var first = dialog.querySelector('.step[data-step="' + step + '"] textarea, ' +
                                     '.step[data-step="' + step + '"] input:not([type=checkbox])');
    if (first)
    {
      first.focus();
    }
  }

  function OpenWizard(fingerprint, retrySetId)
  {
    var dialog = document.getElementById('partner-dialog');
    dialog.querySelectorAll('input, textarea').forEach(function (n)
    {
      if (n.type === 'checkbox')
      {
        n.checked = n.name === 'Acknowledgements' || n.name === 'Compression';
      }
      else if (n.type !== 'file' || n.value)
      {
        n.value = n.name === 'MaxMailSize' ? '0' : '';
      }
    });
    dialog.querySelector('input[name=ComparedBy]').value = RememberedComparer();
    wizard = { step: 'key', fingerprint: null, retrySetId: retrySetId || null };
    OpenModal('partner-dialog');
    var key = fingerprint ? keysByFingerprint[fingerprint] : null;
    if (key && !key.CertifiedBySite)
    {
      WizardCompare(fingerprint);
    }
    else if (key)
    {
      WizardPartner(fingerprint);
    }
    else
    {
      WizardStep('key');
    }
  }

  function WizardCompare(fingerprint)
  {
    var dialog = document.getElementById('partner-dialog');
    wizard.fingerprint = fingerprint;
    FillFingerprint(dialog.querySelector('.step[data-step="compare"]'), fingerprint);
    dialog.setAttribute('data-fingerprint', fingerprint);
    WizardStep('compare');
  }

  // Suggests the partner's id, name and address from the key's user id
  // ("Praxis Dr. Müller <pacs@praxis.example>").
  function WizardPartner(fingerprint)
  {
    var dialog = document.getElementById('partner-dialog');
    wizard.fingerprint = fingerprint;
    dialog.setAttribute('data-fingerprint', fingerprint);
    var key = keysByFingerprint[fingerprint];
    var uid = key && $Array(key.UserIds)[0] ? String(key.UserIds[0].UserId) : '';
    var m = /^(.*?)\s*<([^>]+)>/.exec(uid);
    var address = m ? m[2] : (/@/.test(uid) ? uid : '');
    var form = dialog.querySelector('.step[data-step="partner"]');
    if (!form.querySelector('[name=Addresses]').value)
    {
      form.querySelector('[name=Addresses]').value = address;
    }
    if (!form.querySelector('[name=DisplayName]').value && m)
    {
      form.querySelector('[name=DisplayName]').value = m[1];
    }
    if (!form.querySelector('[name=Name]').value && address)
    {
      form.querySelector('[name=Name]').value = address.split('@')[1].split('.')[0].replace(/[^A-Za-z0-9._-]/g, '');
    }
    WizardStep('partner');
  }

  // The key as the server sees it now (the periodic listing may be older).
  function LoadKey(fingerprint)
  {
    return Api('GET', '/keys/' + encodeURIComponent(fingerprint)).then(function (key)
    {
      keysByFingerprint[fingerprint] = key;
      return key;
    });
  }

  function WizardNext()
  {
    var dialog = document.getElementById('partner-dialog');
    var error = dialog.querySelector('.dialog-error');
    var next = dialog.querySelector('button.next');
    var fail = function (e)
    {
      ShowError(error, e.message);
      next.disabled = false;
    };
    ShowError(error, '');
    if (wizard.step === 'key')
    {
      var text = dialog.querySelector('textarea[name=Key]').value;
      if (text.trim().length === 0)
      {
        ShowError(error, T('keys.pasteFirst'));
        return;
      }
      next.disabled = true;
      Api('POST', '/keys', text, 'application/pgp-keys').then(function (r)
      {
        var fingerprint = $Array(r.Fingerprints)[0];
        if (!fingerprint)
        {
          throw new Error(T('wizard.noKey'));
        }
        return LoadKey(fingerprint).then(function (key)
        {
          Refresh();
          if (key.CertifiedBySite)
          {
            WizardPartner(fingerprint);
          }
          else
          {
            WizardCompare(fingerprint);
          }
        });
      }).catch(function (e) { fail(new Error(T('keys.importFailed', { message: e.message }))); });
    }
    else if (wizard.step === 'compare')
    {
      var comparedBy = dialog.querySelector('input[name=ComparedBy]').value.trim();
      if (!comparedBy)
      {
        ShowError(error, T('certify.nameNeeded'));
        return;
      }
      if (!dialog.querySelector('input[name=Compared]').checked)
      {
        ShowError(error, T('wizard.compare.needed'));
        return;
      }
      next.disabled = true;
      Certify(wizard.fingerprint, comparedBy).then(function ()
      {
        return LoadKey(wizard.fingerprint);
      }).then(function ()
      {
        Refresh();
        WizardPartner(wizard.fingerprint);
      }, function (e) { fail(new Error(T('certify.failed', { message: e.message }))); });
    }
    else
    {
      var form = dialog.querySelector('.step[data-step="partner"]');
      var name = form.querySelector('[name=Name]').value.trim();
      if (!/^[A-Za-z0-9._-]+$/.test(name))
      {
        ShowError(error, T('partners.form.nameRule'));
        return;
      }
      next.disabled = true;
      Api('PUT', '/partners/' + encodeURIComponent(name), PartnerBody(form, wizard.fingerprint)).then(function ()
      {
        var retry = wizard.retrySetId;
        CloseModal('partner-dialog');
        Notice(T('partners.saved', { name: name }));
        return retry ? RetrySet(retry) : Refresh();
      }, function (e) { fail(new Error(T('partners.saveFailed', { name: name, message: e.message }))); });
    }
  }

  function ReadKeyFile(event)
  {
    var file = event.target.files && event.target.files[0];
    if (!file)
    {
      return;
    }
    var reader = new FileReader();
    reader.onload = function ()
    {
      document.querySelector('#partner-dialog textarea[name=Key]').value = String(reader.result);
    };
    reader.readAsText(file);
  }

  // ------------------------------------------------------------------ sections

  function RenderStatus(status)
  {
    document.getElementById('site').textContent =
      (status.Site && status.Site.Name ? status.Site.Name + ' ' : '') +
      (status.Site && status.Site.Address ? '<' + status.Site.Address + '>' : '') +
      (status.Version ? ' \u00b7 ' + T('status.plugin', { version: status.Version }) : '');

    var info = document.getElementById('site-info');
    var facts = Facts([
      ['status.siteAddress', status.Site && status.Site.Address],
      ['status.siteKey', status.SiteKeyFingerprint ? Fingerprint(status.SiteKeyFingerprint) : T('status.noSiteKey')]
    ]);
    info.replaceWith(facts);
    facts.id = 'site-info';

    var rows = $Array(status.Accounts).map(function (a)
    {
      return El('tr', { 'data-account': a.Name }, [
        Td(a.Name), Td(a.Kind), Td(a.Url, 'mono'), Td(State(a.State)), Td(a.Message),
        Td(Time(a.LastContact)), Td(Time(a.LastSuccess)), Td(Quota(a.Quota))
      ]);
    });
    var tbody = document.querySelector('#accounts tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 8, T('accounts.empty'));
    }

    var warnings = document.getElementById('warnings');
    warnings.textContent = '';
    var warn = function (text, name)
    {
      warnings.appendChild(El('div', { className: 'warning', role: 'status', 'data-warning': name, text: text }));
    };
    $Array(status.Accounts).forEach(function (a)
    {
      if (a.State === 'error')
      {
        warn(T('warning.account', { name: a.Name, message: a.Message || T('common.noMessage') }));
      }
      if (a.Quota && a.Quota.Percent > 80)
      {
        warn(T('warning.quota', { name: a.Name, percent: Number_(a.Quota.Percent) }), 'quota');
      }
      if (a.FoundInSpamFolder)
      {
        warn(T('warning.foundInSpam', { name: a.Name, folder: a.FoundInSpamFolder.Folder,
          partner: a.FoundInSpamFolder.Partner || '?' }), 'found-in-spam');
      }
    });
    $Array(status.ExpiringKeys).forEach(function (fpr)
    {
      warn(T('warning.keyExpires', { fingerprint: Groups(fpr).join(' ') }));
    });
    if (!status.SiteKeyFingerprint)
    {
      warn(T('status.noSiteKey'));
    }
    var acks = status.PendingAcknowledgements;
    if (acks && acks.Failing > 0)
    {
      var oldest = ParseTime(acks.Oldest);
      var next = ParseTime(acks.NextAttempt);
      warn(T('warning.acknowledgements', { count: acks.Count,
        oldest: oldest ? Time(acks.Oldest).textContent : '?',
        next: next ? Time(acks.NextAttempt).textContent : T('warning.soon'),
        message: acks.LastError || T('common.noMessage') }), 'acknowledgements');
    }
    // DIN 6868-159: a link whose last daily function test failed (#17).
    var qa = status.QualityAssurance;
    Object.keys((qa && qa.Partners) || {}).forEach(function (partner)
    {
      var p = qa.Partners[partner];
      if (p.Failing && p.LastDailyTest)
      {
        warn(T('warning.qaDailyTest', { partner: partner, day: p.LastDailyTest.Day,
          reason: p.LastDailyTest.Reason || T('common.noMessage') }), 'qa-daily-test');
      }
    });
  }

  function Resend(setId, button)
  {
    button.disabled = true;
    Api('POST', '/outbox/' + encodeURIComponent(setId) + '/resend').then(function (answer)
    {
      Notice(T('resend.done', { setId: setId, job: answer.ID }));
      return Refresh();
    }, function (e)
    {
      SectionError('outbox', T('resend.failed', { setId: setId, message: e.message }));
      button.disabled = false;
    });
  }

  // The state, with a Resend button when the transfer failed for good.
  function OutboxState(t)
  {
    var cell = El('span', {}, [State(t.State)]);
    if (t.State === 'failed')
    {
      var resend = El('button', { type: 'button', className: 'resend', text: T('resend.button'),
        title: T('resend.title') });
      resend.addEventListener('click', function (e)
      {
        e.stopPropagation();
        Resend(t.SetId, resend);
      });
      cell.appendChild(resend);
    }
    return cell;
  }

  function RenderOutbox(transfers)
  {
    var rows = PageRows('outbox', transfers).map(function (t)
    {
      var inFlight = t.State === 'pending' || t.State === 'sending';
      var acknowledging = t.State === 'sent' && t.AcknowledgementsRequested !== false;
      var row = El('tr', { className: 'clickable', tabindex: '0', 'data-set-id': t.SetId, 'data-state': t.State,
        title: T('outbox.rowTitle', { setId: t.SetId }) }, [
        Td(Time(t.Created)), Td(PartnerName(t)), Td(t.Recipient),
        Td(El('div', {}, [OutboxState(t), inFlight || acknowledging ? OutboxProgress(t) : null])),
        Td(Count(t.MailsSent, t.TotalMails)),
        Td(t.AcknowledgementsRequested === false ? T('ack.notRequested') : Count(t.MailsAcknowledged, t.TotalMails),
           'acks'),
        Td(Number_(t.TotalInstances || 0)), Td(FormatBytes(t.BytesSent)), Td(t.Reason, 'reason')
      ]);
      row.querySelector('td.acks').setAttribute('data-count', (t.MailsAcknowledged || 0) + '/' + (t.TotalMails || 0));
      OnActivate(row, function () { ShowOutboxDetail(t.SetId); });
      return row;
    });
    var tbody = document.querySelector('#outbox tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 9, T(IsFiltered('outbox') ? 'filter.noMatch' : 'outbox.empty'));
    }
  }

  // Click, Enter or Space on a row opens its detail.
  function OnActivate(row, action)
  {
    row.addEventListener('click', action);
    row.addEventListener('keydown', function (e)
    {
      if ((e.key === 'Enter' || e.key === ' ') && e.target === row)
      {
        e.preventDefault();
        action();
      }
    });
  }

  function RetrySet(setId, button)
  {
    if (button)
    {
      button.disabled = true;
    }
    return Api('POST', '/inbox/' + encodeURIComponent(setId) + '/retry').then(function (answer)
    {
      var reasons = answer ? $Array(answer.Reasons) : [];
      Notice(T('retry.done', { setId: setId, count: answer && typeof answer.MailsImported === 'number' ?
        answer.MailsImported : 0 }) + (answer && answer.State ? ' ' + T('retry.state', {
          state: T('state.' + answer.State) }) : '') + (reasons.length ? ' ' + reasons.join(' ') : ''));
      return Refresh();
    }, function (e)
    {
      SectionError('inbox', T('retry.failed', { setId: setId, message: e.message }));
      if (button)
      {
        button.disabled = false;
      }
    });
  }

  function RetryButton(setId)
  {
    var retry = El('button', { type: 'button', className: 'retry', text: T('retry.button'),
      title: T('retry.title') });
    retry.addEventListener('click', function (e)
    {
      e.stopPropagation();
      RetrySet(setId, retry);
    });
    return retry;
  }

  // Gateway mode: a complete transfer's hand-over to the PACS, its reason
  // and next attempt while it fails, and "Forward now" while it waits.
  function Forward(t)
  {
    var f = t.Forward;
    if (!f)
    {
      return null;
    }
    var waiting = f.State === 'queued' || f.State === 'retrying';
    var now = El('button', { type: 'button', className: 'forward-now', text: T('forward.button'),
      title: T('forward.buttonTitle') });
    now.addEventListener('click', function (e)
    {
      e.stopPropagation();
      now.disabled = true;
      Api('POST', '/inbox/' + encodeURIComponent(t.SetId) + '/forward').then(function ()
      {
        Notice(T('forward.started', { setId: t.SetId, modality: f.Modality }));
        return Refresh();
      }, function (error)
      {
        SectionError('inbox', T('forward.failed', { setId: t.SetId, message: error.message }));
        now.disabled = false;
      });
    });
    return El('div', { className: 'forward', 'data-forward': f.State }, [
      El('span', { text: T('forward.to', { modality: f.Modality }) + ' ' }), State(f.State),
      f.State === 'forwarded' && f.Deleted ? El('div', { className: 'muted', text: T('forward.deleted') }) : null,
      f.Reason && f.State !== 'forwarded' ? El('div', { className: 'reason', text: f.Reason }) : null,
      waiting && f.NextAttemptAt && f.Attempts > 0 ?
        El('div', { className: 'muted' }, [T('forward.next', { attempts: f.Attempts }) + ' ', Time(f.NextAttemptAt)]) :
        null,
      waiting ? now : null
    ]);
  }

  function RenderInbox(transfers)
  {
    var rows = PageRows('inbox', transfers).map(function (t)
    {
      var actions = El('td', { className: 'open' });
      $Array(t.Studies).forEach(function (id) { actions.appendChild(El('div', {}, [StudyLinks(id)])); });
      if (t.State === 'quarantined')
      {
        actions.appendChild(RetryButton(t.SetId));
      }
      var row = El('tr', { className: 'clickable', tabindex: '0', 'data-set-id': t.SetId, 'data-state': t.State,
        title: T('inbox.rowTitle', { setId: t.SetId }) }, [
        Td(Time(t.FirstReceived)), Td(PartnerName(t) || T('inbox.unknownPartner')), Td(t.Sender),
        Td(t.SignerFingerprint ? Fingerprint(t.SignerFingerprint) : ''),
        Td(El('div', {}, [State(t.State), t.State === 'receiving' ? InboxProgress(t) : null, Forward(t)])),
        Td(Count(t.MailsReceived, t.MailsExpected)),
        Td(T('inbox.instances', { imported: t.InstancesImported || 0 }) +
           (t.InstancesAlreadyStored ? ', ' + T('inbox.instancesStored', { n: t.InstancesAlreadyStored }) : '') +
           (t.InstancesFailed ? ', ' + T('inbox.instancesFailed', { n: t.InstancesFailed }) : '')),
        Td(FormatBytes(t.Bytes)), Td($Array(t.Reasons).join('\n'), 'reasons'), actions
      ]);
      OnActivate(row, function () { ShowInboxDetail(t.SetId); });
      return row;
    });
    var tbody = document.querySelector('#inbox tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 10, T(IsFiltered('inbox') ? 'filter.noMatch' : 'inbox.empty'));
    }
  }

  // A quarantined mail names the signer's key in its reason when it knows it.
  function FingerprintIn(text)
  {
    var m = /\b([0-9A-F]{40})\b/i.exec(String(text || ''));
    return m ? m[1].toUpperCase() : null;
  }

  function RenderQuarantine(mails)
  {
    var rows = $Array(mails).map(function (m)
    {
      var setId = m.SetId || m.ClaimedSetId;
      var actions = El('td');
      if (setId)
      {
        actions.appendChild(El('button', { type: 'button', className: 'primary check-key', text: T('quarantine.checkKey'),
          onclick: function () { OpenWizard(FingerprintIn(m.Reason), setId); } }));
        actions.appendChild(RetryButton(setId));
      }
      return El('tr', { 'data-set-id': setId || '', 'data-mail': m.Id }, [
        Td(Time(m.ReceivedAt)), Td(m.FromName || ''), Td(setId, 'mono'), Td(m.Reason, 'reason'), actions
      ]);
    });
    var tbody = document.querySelector('#quarantine tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 5, T('quarantine.empty'));
    }
  }

  function EditPartner(p)
  {
    var form = document.getElementById('partner-form');
    form.elements.Name.value = p.Name;
    form.elements.DisplayName.value = p.DisplayName && p.DisplayName !== p.Name ? p.DisplayName : '';
    form.elements.Addresses.value = $Array(p.Addresses).join(', ');
    form.elements.Fingerprint.value = p.Fingerprint || '';
    form.elements.MaxMailSize.value = p.MaxMailSize || 0;
    form.elements.Acknowledgements.checked = p.Acknowledgements !== false;
    form.elements.Compression.checked = p.Compression !== false;
    SelectTransferSyntax(form.elements.TransferSyntax, p.TransferSyntax || 'as-stored');
    form.elements.Pseudonymise.checked = p.Pseudonymise === true;
    document.getElementById('partner-editor').open = true;
    form.elements.Addresses.focus();
  }

  // A UID set in the configuration or over REST stays selectable as itself.
  function SelectTransferSyntax(select, uid)
  {
    if (!Array.prototype.some.call(select.options, function (o) { return o.value === uid; }))
    {
      select.appendChild(El('option', { value: uid, text: uid }));
    }
    select.value = uid;
  }

  // What leaves the site for the partner (#19): the transfer syntax, and whether pseudonymised.
  function SentAs(p)
  {
    var names = { '1.2.840.10008.1.2.4.80': 'partners.sent.jpegLs', '1.2.840.10008.1.2.4.90': 'partners.sent.jpeg2000' };
    var syntax = !p.TransferSyntax || p.TransferSyntax === 'as-stored' ? T('partners.sent.asStored') :
      (names[p.TransferSyntax] ? T(names[p.TransferSyntax]) : p.TransferSyntax);
    return p.Pseudonymise ? syntax + ', ' + T('partners.sent.pseudonymised') : syntax;
  }

  function DeletePartner(name, button)
  {
    if (!window.confirm(T('partners.confirmDelete', { name: name })))
    {
      return;
    }
    button.disabled = true;
    Api('DELETE', '/partners/' + encodeURIComponent(name)).then(function ()
    {
      Notice(T('partners.deleted', { name: name }));
      return Refresh();
    }, function (e)
    {
      SectionError('partners', T('partners.deleteFailed', { name: name, message: e.message }));
      button.disabled = false;
    });
  }

  function RenderPartners(partners)
  {
    FillPartnerFilters(partners);
    var rows = $Array(partners).map(function (p)
    {
      var usable = p.KeyState && p.KeyState.Usable;
      var by = usable && p.CertifiedBy;
      var key = usable ? El('span', {}, [State('usable'), by && by.Authority ? El('div', { className: 'reason',
        text: T('partners.certifiedByAuthority', { name: by.Name, fingerprint: Groups(by.Fingerprint).join(' ') }) }) :
        null]) :
        El('span', {}, [State('unusable'), El('div', { className: 'reason',
          text: (p.KeyState && p.KeyState.Reason) || '' })]);
      var actions = El('td');
      if (p.ReadOnly)
      {
        actions.appendChild(El('span', { className: 'muted', text: T('partners.readOnly') }));
      }
      else
      {
        actions.appendChild(El('button', { type: 'button', text: T('partners.editButton'),
          'aria-label': T('partners.editLabel', { name: p.Name }), onclick: function () { EditPartner(p); } }));
        var del = El('button', { type: 'button', className: 'danger', text: T('common.delete'),
          'aria-label': T('partners.deleteLabel', { name: p.Name }) });
        del.addEventListener('click', function () { DeletePartner(p.Name, del); });
        actions.appendChild(del);
      }
      return El('tr', { 'data-partner': p.Name }, [
        Td(p.DisplayName && p.DisplayName !== p.Name ? p.DisplayName + ' (' + p.Name + ')' : p.Name),
        Td($Array(p.Addresses).join(', ')), Td(p.Fingerprint ? Fingerprint(p.Fingerprint) : T('common.none')),
        Td(key),
        Td(p.MaxMailSize ? FormatBytes(p.MaxMailSize) : T('partners.siteDefault') +
           (p.EffectiveMaxMailSize ? ' (' + FormatBytes(p.EffectiveMaxMailSize) + ')' : '')),
        Td(T(p.Acknowledgements ? 'common.yes' : 'common.no')), Td(T(p.Compression ? 'common.yes' : 'common.no')),
        Td(SentAs(p)), actions
      ]);
    });
    var tbody = document.querySelector('#partners tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 9, T('partners.empty'));
    }
  }

  function DeleteKey(key, button)
  {
    if (!window.confirm(T('keys.confirmDelete', { fingerprint: key.FingerprintGroups || key.Fingerprint })))
    {
      return;
    }
    button.disabled = true;
    Api('DELETE', '/keys/' + encodeURIComponent(key.Fingerprint)).then(function ()
    {
      Notice(T('keys.deleted'));
      return Refresh();
    }, function (e)
    {
      SectionError('keys', T('keys.deleteFailed', { message: e.message }));
      button.disabled = false;
    });
  }

  function KeyStatus(k)
  {
    var badges = [];
    if (k.IsSiteKey)
    {
      badges.push(['keys.status.site', 'good']);
    }
    if (k.CertifiedBySite && !k.IsSiteKey)
    {
      badges.push(['keys.status.certified', 'good']);
    }
    if (!k.CertifiedBySite && !k.IsSiteKey)
    {
      badges.push(['keys.status.notCertified', 'warn']);
    }
    if (k.Revoked)
    {
      badges.push(['keys.status.revoked', 'bad']);
    }
    if (k.Expired)
    {
      badges.push(['keys.status.expired', 'bad']);
    }
    else if (k.ExpiresSoon)
    {
      badges.push(['keys.status.expiresSoon', 'warn']);
    }
    if (!k.CanEncrypt)
    {
      badges.push(['keys.status.cannotEncrypt', 'bad']);
    }
    if (k.HasSecret)
    {
      badges.push(['keys.status.secret', '']);
    }
    var node = El('span');
    badges.forEach(function (b)
    {
      node.appendChild(El('span', { className: 'state ' + b[1], text: T(b[0]) }));
      node.appendChild(document.createTextNode(' '));
    });
    if (k.Comparison && k.Comparison.By)
    {
      var at = ParseTime(k.Comparison.At);
      node.appendChild(El('div', { className: 'comparison muted', text: T('keys.compared', { who: k.Comparison.By,
        when: at ? Time(k.Comparison.At).textContent : '' }) }));
    }
    return node;
  }

  function RenderKeys(keys)
  {
    keysByFingerprint = {};
    var rows = $Array(keys).map(function (k)
    {
      keysByFingerprint[k.Fingerprint] = k;
      var actions = El('td');
      if (!k.IsSiteKey && !k.CertifiedBySite && !k.Revoked && !k.Expired)
      {
        actions.appendChild(El('button', { type: 'button', className: 'primary certify', text: T('keys.certify'),
          onclick: function () { OpenCertify(k.Fingerprint); } }));
      }
      if (!k.IsSiteKey)
      {
        var del = El('button', { type: 'button', className: 'danger', text: T('common.delete'),
          'aria-label': T('keys.deleteLabel', { fingerprint: k.FingerprintGroups || k.Fingerprint }) });
        del.addEventListener('click', function () { DeleteKey(k, del); });
        actions.appendChild(del);
      }
      var ids = El('div');
      $Array(k.UserIds).forEach(function (u)
      {
        ids.appendChild(El('div', { text: u.UserId + (u.Validity ? ' (' + u.Validity + ')' : '') }));
      });
      return El('tr', { 'data-fingerprint': k.Fingerprint, 'data-certified': k.CertifiedBySite ? 'true' : 'false' }, [
        Td(Fingerprint(k.Fingerprint, k.FingerprintGroups)), Td(ids), Td($Array(k.Algorithms).join(', ')),
        Td(Time(k.Created)), Td(k.Expires ? Time(k.Expires) : T('keys.never')), Td(KeyStatus(k)), actions
      ]);
    });
    var tbody = document.querySelector('#keys tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 7, T('keys.empty'));
    }
  }

  // A new site key, announced to the partners by the current one (#22).
  function RotateSiteKey(event)
  {
    event.preventDefault();
    var form = event.target;
    var error = form.querySelector('.form-error');
    ShowError(error, '');
    if (!window.confirm(T('keys.confirmRotate')))
    {
      return;
    }
    Api('POST', '/site-key/rotate', {}).then(function (r)
    {
      Notice(T('keys.rotated', { fingerprint: r.Fingerprint, announced: $Array(r.Announced).length,
                                 missed: $Array(r.NotAnnounced).length, until: r.PreviousKeyUntil }));
      return Refresh();
    }, function (e)
    {
      ShowError(error, T('keys.rotateFailed', { message: e.message }));
    });
  }

  // Authorities the site trusts to certify partners (#22).
  function RenderAuthorities(authorities)
  {
    var rows = $Array(authorities).map(function (a)
    {
      var scope = a.Domains && a.Domains.length ? a.Domains.join(', ') : T('authorities.everyAddress');
      var status = a.Usable ? State('usable') : El('span', {}, [State('unusable'),
        El('div', { className: 'reason', text: a.Problem || '' })]);
      return El('tr', { 'data-fingerprint': a.Fingerprint }, [
        Td(Fingerprint(a.Fingerprint, a.FingerprintGroups)), Td(a.Name), Td(scope), Td(status)
      ]);
    });
    var tbody = document.querySelector('#authorities tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 4, T('authorities.empty'));
    }
  }

  function TrustAuthority(event)
  {
    event.preventDefault();
    var form = event.target;
    var error = form.querySelector('.form-error');
    ShowError(error, '');
    var fingerprint = form.elements.Fingerprint.value.replace(/\s+/g, '');
    var body = { Domains: form.elements.Domain.value.trim() ? [form.elements.Domain.value.trim()] : [] };
    if (form.elements.Key.value.trim())
    {
      body.PublicKey = form.elements.Key.value;
    }
    Api('PUT', '/authorities/' + encodeURIComponent(fingerprint), body).then(function ()
    {
      form.reset();
      return Refresh();
    }, function (e)
    {
      ShowError(error, T('authorities.failed', { message: e.message }));
    });
  }

  // ------------------------------------------------------------------ filters and pages

  var pages = { outbox: 0, inbox: 0 };

  function FilterForm(section)
  {
    return document.querySelector('form.filters[data-section="' + section + '"]');
  }

  function IsFiltered(section)
  {
    var form = FilterForm(section);
    return ['partner', 'state', 'from', 'to', 'setid'].some(function (n) { return form.elements[n].value; });
  }

  // A local day of a date input as the UTC instant of its first or last second.
  function DayBoundary(value, end)
  {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m)
    {
      return '';
    }
    return IsoUtc(end ? new Date(+m[1], m[2] - 1, +m[3], 23, 59, 59) : new Date(+m[1], m[2] - 1, +m[3], 0, 0, 0));
  }

  // The REST path of a page of a section: the filters and the page go to the
  // server, which answers one more than a page to tell whether a next exists.
  function ListPath(section)
  {
    var form = FilterForm(section);
    var query = ['limit=' + (PAGE_SIZE + 1), 'since=' + pages[section] * PAGE_SIZE];
    var add = function (name, value)
    {
      if (value)
      {
        query.push(name + '=' + encodeURIComponent(value));
      }
    };
    add('partner', form.elements.partner.value);
    add('state', form.elements.state.value);
    add('from', DayBoundary(form.elements.from.value, false));
    add('to', DayBoundary(form.elements.to.value, true));
    add('setid', form.elements.setid.value.trim());
    return '/' + section + '?' + query.join('&');
  }

  // The rows of the page, and the pager set from the one extra row.
  function PageRows(section, transfers)
  {
    var list = $Array(transfers);
    var pager = document.querySelector('nav.pager[data-section="' + section + '"]');
    pager.querySelector('.previous').disabled = pages[section] === 0;
    pager.querySelector('.next').disabled = list.length <= PAGE_SIZE;
    pager.querySelector('.page-number').textContent = T('pager.page', { n: pages[section] + 1 });
    pager.hidden = pages[section] === 0 && list.length <= PAGE_SIZE;
    return list.slice(0, PAGE_SIZE);
  }

  function FillPartnerFilters(partners)
  {
    document.querySelectorAll('form.filters select[name=partner]').forEach(function (select)
    {
      var chosen = select.value;
      Array.prototype.slice.call(select.options, 1).forEach(function (o) { select.removeChild(o); });
      $Array(partners).forEach(function (p)
      {
        select.appendChild(El('option', { value: p.Name, text: p.DisplayName && p.DisplayName !== p.Name ?
          p.DisplayName + ' (' + p.Name + ')' : p.Name }));
      });
      if (chosen && !$Array(partners).some(function (p) { return p.Name === chosen; }))
      {
        select.appendChild(El('option', { value: chosen, text: chosen }));    // a partner since deleted
      }
      select.value = chosen;
    });
  }

  function SetUpFilters(section)
  {
    var form = FilterForm(section);
    var timer = null;
    var apply = function ()
    {
      pages[section] = 0;
      RefreshSection(section);
    };
    form.addEventListener('change', apply);
    form.addEventListener('submit', function (e)
    {
      e.preventDefault();
      apply();
    });
    form.elements.setid.addEventListener('input', function ()
    {
      clearTimeout(timer);
      timer = setTimeout(apply, 400);
    });
    form.addEventListener('reset', function ()
    {
      setTimeout(apply, 0);
    });
    var pager = document.querySelector('nav.pager[data-section="' + section + '"]');
    pager.querySelector('.previous').addEventListener('click', function ()
    {
      pages[section] = Math.max(0, pages[section] - 1);
      RefreshSection(section);
    });
    pager.querySelector('.next').addEventListener('click', function ()
    {
      pages[section]++;
      RefreshSection(section);
    });
  }

  // ------------------------------------------------------------------ refresh

  var SECTIONS = [
    { id: 'accounts', path: function () { return '/status'; }, render: RenderStatus, what: 'status.what' },
    { id: 'outbox', path: function () { return ListPath('outbox'); }, render: RenderOutbox, what: 'outbox.what' },
    { id: 'inbox', path: function () { return ListPath('inbox'); }, render: RenderInbox, what: 'inbox.what' },
    { id: 'inbox', path: function () { return '/quarantine'; }, render: RenderQuarantine, what: 'quarantine.what' },
    { id: 'partners', path: function () { return '/partners'; }, render: RenderPartners, what: 'partners.what' },
    { id: 'keys', path: function () { return '/keys'; }, render: RenderKeys, what: 'keys.what' },
    { id: 'authorities', path: function () { return '/authorities'; }, render: RenderAuthorities,
      what: 'authorities.what' }
  ];

  function LoadSection(s)
  {
    return (s.load ? s.load() : Api('GET', s.path())).then(function (data)
    {
      SectionError(s.id, '');
      try
      {
        s.render(data);
      }
      catch (e)
      {
        SectionError(s.id, T('error.show', { what: T(s.what), message: e.message }));
      }
    }, function (e)
    {
      SectionError(s.id, T('error.load', { what: T(s.what), message: e.message }));
    });
  }

  function RefreshSection(id)
  {
    return Promise.all(SECTIONS.filter(function (s) { return s.id === id && s.render !== RenderQuarantine; })
      .map(LoadSection));
  }

  // Each section loads and fails on its own: one broken route does not hide
  // the others.
  function Refresh()
  {
    if (refreshing)
    {
      return Promise.resolve();
    }
    refreshing = true;
    var loads = SECTIONS.map(LoadSection);
    if (openDetail)
    {
      loads.push(openDetail());
    }
    return Promise.all(loads).then(function ()
    {
      refreshing = false;
      document.getElementById('refreshed').textContent = T('top.updated', {
        time: new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
          .format(new Date()) });
      document.body.setAttribute('data-refreshed', String(Date.now()));
    });
  }

  function FetchNow()
  {
    var button = document.getElementById('fetch-now');
    button.disabled = true;
    GlobalError('');
    Api('POST', '/fetch').then(function (answer)
    {
      // One summary per mailbox: counts, or the error of that mailbox.
      var done = [];
      var failed = [];
      $Array(answer).forEach(function (m)
      {
        if (m && typeof m.Error === 'string')
        {
          failed.push(T('fetch.failedMailbox', { name: m.Account, message: m.Error }));
        }
        else if (m && typeof m === 'object')
        {
          done.push(T('fetch.mailbox', { name: m.Account, fetched: m.Fetched || 0, imported: m.Imported || 0,
            acknowledgements: m.Acknowledgements || 0, quarantined: m.Quarantined || 0, rejected: m.Rejected || 0 }));
        }
      });
      Notice(done.length > 0 ? done.join(' ') : T('fetch.done'));
      if (failed.length > 0)
      {
        GlobalError(failed.join('\n'));
      }
      return Refresh();
    }, function (e)
    {
      GlobalError(T('fetch.failed', { message: e.message }));
    }).then(function ()
    {
      button.disabled = false;
    });
  }

  function PartnerBody(form, fingerprint)
  {
    var value = function (name) { return form.querySelector('[name=' + name + ']'); };
    return {
      DisplayName: value('DisplayName').value.trim() || null,
      Addresses: value('Addresses').value.split(/[,;\s]+/).filter(function (a) { return a.length > 0; }),
      Fingerprint: (fingerprint || (value('Fingerprint') ? value('Fingerprint').value : ''))
        .replace(/\s+/g, '').toUpperCase() || null,
      MaxMailSize: parseInt(value('MaxMailSize').value || '0', 10),
      Acknowledgements: value('Acknowledgements').checked,
      Compression: value('Compression').checked,
      TransferSyntax: value('TransferSyntax') ? value('TransferSyntax').value : undefined,
      Pseudonymise: value('Pseudonymise') ? value('Pseudonymise').checked : undefined
    };
  }

  function SavePartner(event)
  {
    event.preventDefault();
    var form = event.target;
    var error = form.querySelector('.form-error');
    var name = form.elements.Name.value.trim();
    ShowError(error, '');
    Api('PUT', '/partners/' + encodeURIComponent(name), PartnerBody(form)).then(function ()
    {
      Notice(T('partners.saved', { name: name }));
      form.reset();
      return Refresh();
    }, function (e)
    {
      ShowError(error, T('partners.saveFailed', { name: name, message: e.message }));
    });
  }

  function ImportKey(event)
  {
    event.preventDefault();
    var form = event.target;
    var error = form.querySelector('.form-error');
    var text = form.elements.Key.value;
    ShowError(error, '');
    if (text.trim().length === 0)
    {
      ShowError(error, T('keys.pasteFirst'));
      return;
    }
    Api('POST', '/keys', text, 'application/pgp-keys').then(function (r)
    {
      Notice(T('keys.imported', { considered: r.Considered, imported: r.Imported, unchanged: r.Unchanged,
        fingerprints: $Array(r.Fingerprints).map(function (f) { return Groups(f).join(' '); }).join('; ') }));
      form.reset();
      return Refresh();
    }, function (e)
    {
      ShowError(error, T('keys.importFailed', { message: e.message }));
    });
  }

  function Start()
  {
    TranslatePage();
    document.getElementById('language').addEventListener('change', function (e)
    {
      SwitchLanguage(e.target.value);
    });
    document.getElementById('fetch-now').addEventListener('click', FetchNow);
    document.getElementById('partner-form').addEventListener('submit', SavePartner);
    document.getElementById('key-form').addEventListener('submit', ImportKey);
    document.getElementById('authority-form').addEventListener('submit', TrustAuthority);
    document.getElementById('rotate-form').addEventListener('submit', RotateSiteKey);
    document.getElementById('add-partner').addEventListener('click', function () { OpenWizard(null, null); });
    document.querySelector('#partner-dialog button.next').addEventListener('click', WizardNext);
    document.querySelector('#partner-dialog input[name=KeyFile]').addEventListener('change', ReadKeyFile);
    ['certify-dialog', 'detail-dialog', 'partner-dialog'].forEach(function (id)
    {
      document.querySelector('#' + id + ' button.cancel').addEventListener('click', function ()
      {
        CloseModal(id);
      });
    });
    document.querySelector('#certify-dialog button.confirm').addEventListener('click', ConfirmCertify);
    // A complaint about a missing entry goes once the entry is made.
    ['certify-dialog', 'partner-dialog'].forEach(function (id)
    {
      var dialog = document.getElementById(id);
      dialog.addEventListener('input', function () { ShowError(dialog.querySelector('.dialog-error'), ''); });
      dialog.addEventListener('change', function () { ShowError(dialog.querySelector('.dialog-error'), ''); });
    });
    document.addEventListener('keydown', function (e)
    {
      if (e.key === 'Escape')
      {
        ['certify-dialog', 'detail-dialog', 'partner-dialog'].forEach(CloseModal);
      }
      TrapFocus(e);
    });
    SetUpFilters('outbox');
    SetUpFilters('inbox');
    FindViewer().then(Refresh);
    setInterval(Refresh, REFRESH_MS);
  }

  // For qa.js (the QA section, #17): the helpers it shares, and a section
  // of its own in the refresh.
  window.DicomMailApp = {
    Api: Api, El: El, Td: Td, T: T, Time: Time, State: State, Notice: Notice, ShowError: ShowError,
    SectionError: SectionError, StudyLinks: StudyLinks, EmptyRow: EmptyRow, Replace: Replace,
    Number: Number_, Remembered: Remembered, Remember: Remember, Language: function () { return language; },
    AddSection: function (section) { SECTIONS.push(section); }
  };

  function Boot()
  {
    LoadTexts(InitialLanguage()).catch(function ()
    {
      return LoadTexts('en');
    }).then(Start, function (e)
    {
      GlobalError('The texts of the page cannot be loaded: ' + e.message);
    });
  }

  if (document.readyState === 'loading')
  {
    document.addEventListener('DOMContentLoaded', Boot);
  }
  else
  {
    Boot();
  }
}());
