// SPDX-License-Identifier: GPL-3.0-or-later
// The DICOM-Mail page: outbox, inbox, partners, keys and mail accounts of
// this site, refreshed every few seconds. Plain JavaScript, no framework;
// everything is built with textContent (no HTML from the server is trusted).

(function ()
{
  'use strict';

  var API = '..';                     // the page is /dicom-mail/app/app.html
  var EXPLORER = '../../app/explorer.html';
  var REFRESH_MS = 4000;

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
          throw new Error(method + ' ' + path + ' answered something that is not JSON');
        }
        return json;
      });
    }, function (error)
    {
      throw new Error('no answer from Orthanc (' + error.message + ')');
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

  // ------------------------------------------------------------------ formatting

  function FormatBytes(n)
  {
    if (typeof n !== 'number' || !isFinite(n))
    {
      return '';
    }
    var units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
    var i = 0;
    while (n >= 1000 && i < units.length - 1)
    {
      n /= 1000;
      i++;
    }
    return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + units[i];
  }

  // Accepts ISO 8601 and Orthanc's "20240131T235959" forms; anything else is
  // shown as it came.
  function FormatDate(value)
  {
    if (value === null || value === undefined || value === '')
    {
      return '';
    }
    var text = String(value);
    var m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(text);
    if (m)
    {
      return m[1] + '-' + m[2] + '-' + m[3] + ' ' + m[4] + ':' + m[5] + ':' + m[6];
    }
    var date = new Date(text);
    if (/^\d{4}-\d{2}-\d{2}/.test(text) && !isNaN(date.getTime()))
    {
      var pad = function (x) { return (x < 10 ? '0' : '') + x; };
      return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' ' +
        pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
    }
    return text;
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
      node.textContent = '(none)';
      return node;
    }
    for (var i = 0; i < groups.length; i += 5)
    {
      node.appendChild(El('span', { className: 'fpr-line', text: groups.slice(i, i + 5).join(' ') }));
    }
    return node;
  }

  var STATE_CLASSES = {
    acknowledged: 'good', sent: 'good', complete: 'good', ok: 'good',
    pending: 'busy', sending: 'busy', receiving: 'busy', 'never-contacted': '',
    'complete-with-warnings': 'warn', canceled: 'warn', quarantined: 'warn',
    failed: 'bad', error: 'bad', usable: 'good', unusable: 'bad'
  };

  function State(state)
  {
    return El('span', { className: 'state ' + (STATE_CLASSES[state] || ''), 'data-state': state, text: state });
  }

  function EmptyRow(tbody, columns, text)
  {
    tbody.appendChild(El('tr', {}, [El('td', { className: 'empty', colspan: columns, text: text })]));
  }

  function Replace(tbody, rows)
  {
    while (tbody.firstChild)
    {
      tbody.removeChild(tbody.firstChild);
    }
    rows.forEach(function (row)
    {
      tbody.appendChild(row);
    });
  }

  function Count(a, b)
  {
    return (typeof a === 'number' ? a : '?') + ' of ' + (typeof b === 'number' ? b : '?');
  }

  // ------------------------------------------------------------------ dialogs

  function OpenModal(id)
  {
    var dialog = document.getElementById(id);
    dialog.hidden = false;
    var first = dialog.querySelector('button.cancel');
    if (first)
    {
      first.focus();
    }
    return dialog;
  }

  function CloseModal(id)
  {
    document.getElementById(id).hidden = true;
    if (id === 'detail-dialog')
    {
      openDetail = null;
    }
  }

  // A generic table for an array of objects (the mails of a transfer): the
  // columns are the given ones, then any other key found.
  function DetailTable(items, preferred, hidden)
  {
    var columns = preferred.slice();
    items.forEach(function (item)
    {
      Object.keys(item).forEach(function (key)
      {
        if (columns.indexOf(key) < 0 && (hidden || []).indexOf(key) < 0)
        {
          columns.push(key);
        }
      });
    });
    var head = El('tr', {}, columns.map(function (c) { return El('th', { text: c }); }));
    var body = El('tbody');
    items.forEach(function (item)
    {
      body.appendChild(El('tr', {}, columns.map(function (c)
      {
        var v = item[c];
        if (c === 'State' && typeof v === 'string')
        {
          return Td(State(v));
        }
        if (c === 'Bytes')
        {
          return Td(FormatBytes(v));
        }
        if (/At$|^SentAt$|Received$/.test(c))
        {
          return Td(FormatDate(v));
        }
        if (v !== null && typeof v === 'object')
        {
          return Td(JSON.stringify(v));
        }
        return Td(v);
      })));
    });
    return El('table', { className: 'list detail' }, [El('thead', {}, [head]), body]);
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
      dl.appendChild(El('dt', { text: pair[0] }));
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
    body.textContent = 'Loading\u2026';
    var load = function ()
    {
      return Api('GET', path).then(function (detail)
      {
        ShowError(error, '');
        body.textContent = '';
        body.appendChild(render(detail));
      }, function (e)
      {
        ShowError(error, 'Cannot load ' + title + ': ' + e.message);
      });
    };
    openDetail = load;
    OpenModal('detail-dialog');
    load();
  }

  function ShowOutboxDetail(setId)
  {
    ShowDetail('Transfer ' + setId, '/outbox/' + encodeURIComponent(setId), function (t)
    {
      var job = t.JobId ? El('a', { href: EXPLORER + '#job?uuid=' + encodeURIComponent(t.JobId), text: t.JobId }) :
        null;
      return El('div', { 'data-set-id': setId }, [
        Facts([
          ['Partner', t.Partner], ['Recipient', t.Recipient], ['State', State(t.State)], ['Reason', t.Reason],
          ['Created', FormatDate(t.Created)], ['Finished', FormatDate(t.Finished)],
          ['Instances', t.TotalInstances], ['Mails sent', Count(t.MailsSent, t.TotalMails)],
          ['Acknowledged', Count(t.MailsAcknowledged, t.TotalMails)], ['Size', FormatBytes(t.BytesSent)],
          ['Study Instance UIDs', (t.StudyInstanceUIDs || []).join(', ')], ['Job', job]
        ]),
        El('h3', { text: 'Mails' }),
        $Array(t.Mails).length > 0 ?
          DetailTable(t.Mails, ['Part', 'State', 'Bytes', 'Fragments', 'Attempts', 'SentAt', 'DurationMs',
                                'Acknowledgement', 'AcknowledgedAt', 'MessageId', 'Reason']) :
          El('p', { className: 'muted', text: 'No mail recorded yet.' })
      ]);
    });
  }

  function ShowInboxDetail(setId)
  {
    ShowDetail('Received transfer ' + setId, '/inbox/' + encodeURIComponent(setId), function (t)
    {
      return El('div', { 'data-set-id': setId }, [
        Facts([
          ['Partner', t.Partner], ['Sender', t.Sender],
          ['Signed by', t.SignerFingerprint ? Fingerprint(t.SignerFingerprint) : ''],
          ['State', State(t.State)], ['Reasons', $Array(t.Reasons).join('\n')],
          ['First received', FormatDate(t.FirstReceived)], ['Completed', FormatDate(t.CompletedAt)],
          ['Mails', Count(t.MailsReceived, t.MailsExpected)], ['Instances imported', t.InstancesImported],
          ['Instances failed', t.InstancesFailed], ['Already stored', t.InstancesAlreadyStored],
          ['Size', FormatBytes(t.Bytes)],
          ['Transfer time', typeof t.TransferSeconds === 'number' ? t.TransferSeconds + ' s' : '']
        ]),
        El('h3', { text: 'Mails' }),
        $Array(t.Mails).length > 0 ? DetailTable(t.Mails, ['Part', 'State', 'Reason', 'Bytes', 'ReceivedAt', 'ProcessedAt',
                                                  'Disposition', 'Account', 'MessageId'], ['Id', 'SetId']) :
          El('p', { className: 'muted', text: 'No mail recorded.' })
      ]);
    });
  }

  function $Array(value)
  {
    return Array.isArray(value) ? value : [];
  }

  // The certify dialog: the fingerprint in large groups, the phone check,
  // then POST .../certify.
  function OpenCertify(fingerprint)
  {
    var key = keysByFingerprint[fingerprint];
    var dialog = document.getElementById('certify-dialog');
    var large = dialog.querySelector('.fingerprint-large');
    var ids = dialog.querySelector('.user-ids');
    var error = dialog.querySelector('.dialog-error');
    var confirm = dialog.querySelector('button.confirm');

    large.textContent = '';
    var groups = key && key.FingerprintGroups ? key.FingerprintGroups.trim().split(/\s+/) : Groups(fingerprint);
    groups.forEach(function (g)
    {
      large.appendChild(El('span', { className: 'group', text: g }));
    });
    ids.textContent = key ? $Array(key.UserIds).map(function (u) { return u.UserId; }).join('; ') : '';
    ShowError(error, '');
    confirm.disabled = false;
    dialog.setAttribute('data-fingerprint', fingerprint);
    OpenModal('certify-dialog');
  }

  function ConfirmCertify()
  {
    var dialog = document.getElementById('certify-dialog');
    var fingerprint = dialog.getAttribute('data-fingerprint');
    var error = dialog.querySelector('.dialog-error');
    var confirm = dialog.querySelector('button.confirm');
    confirm.disabled = true;
    Api('POST', '/keys/' + encodeURIComponent(fingerprint) + '/certify', { Exportable: false }).then(function ()
    {
      CloseModal('certify-dialog');
      Notice('The key ' + Groups(fingerprint).join(' ') + ' is now certified by this site.');
      return Refresh();
    }, function (e)
    {
      ShowError(error, 'Certifying failed: ' + e.message);
      confirm.disabled = false;
    });
  }

  // ------------------------------------------------------------------ sections

  function RenderStatus(status)
  {
    document.getElementById('site').textContent =
      (status.Site && status.Site.Name ? status.Site.Name + ' ' : '') +
      (status.Site && status.Site.Address ? '<' + status.Site.Address + '>' : '') +
      (status.Version ? ' \u00b7 plugin ' + status.Version : '');

    var info = document.getElementById('site-info');
    var facts = Facts([
      ['Site address', status.Site && status.Site.Address],
      ['Site key', status.SiteKeyFingerprint ? Fingerprint(status.SiteKeyFingerprint) : 'none (nothing can be sent)']
    ]);
    info.replaceWith(facts);
    facts.id = 'site-info';

    var rows = $Array(status.Accounts).map(function (a)
    {
      return El('tr', { 'data-account': a.Name }, [
        Td(a.Name), Td(a.Kind), Td(a.Url, 'mono'), Td(State(a.State)), Td(a.Message),
        Td(FormatDate(a.LastContact)), Td(FormatDate(a.LastSuccess))
      ]);
    });
    var tbody = document.querySelector('#accounts tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 7, 'No mail account is configured.');
    }

    var warnings = document.getElementById('warnings');
    warnings.textContent = '';
    $Array(status.Accounts).forEach(function (a)
    {
      if (a.State === 'error')
      {
        warnings.appendChild(El('div', { className: 'warning',
          text: 'Mail account "' + a.Name + '" fails: ' + (a.Message || 'no message') }));
      }
    });
    $Array(status.ExpiringKeys).forEach(function (fpr)
    {
      warnings.appendChild(El('div', { className: 'warning',
        text: 'The key ' + Groups(fpr).join(' ') + ' expires soon or has expired.' }));
    });
    if (!status.SiteKeyFingerprint)
    {
      warnings.appendChild(El('div', { className: 'warning', text: 'This site has no key: nothing can be sent.' }));
    }
    var acks = status.PendingAcknowledgements;
    if (acks && acks.Failing > 0)
    {
      warnings.appendChild(El('div', { className: 'warning', 'data-warning': 'acknowledgements',
        text: acks.Count + ' acknowledgement(s) to partners not sent yet (oldest ' + FormatDate(acks.Oldest) +
          '), retried ' + (acks.NextAttempt ? 'at ' + FormatDate(acks.NextAttempt) : 'soon') + ': ' +
          (acks.LastError || 'no message') }));
    }
  }

  function Resend(setId, button)
  {
    button.disabled = true;
    Api('POST', '/outbox/' + encodeURIComponent(setId) + '/resend').then(function (answer)
    {
      Notice('Transfer ' + setId + ' is sent again (job ' + answer.ID + ').');
      return Refresh();
    }, function (e)
    {
      SectionError('outbox', 'Resend of ' + setId + ' failed: ' + e.message);
      button.disabled = false;
    });
  }

  // The state, with a Resend button when the transfer failed for good.
  function OutboxState(t)
  {
    var cell = El('span', {}, [State(t.State)]);
    if (t.State === 'failed')
    {
      var resend = El('button', { type: 'button', className: 'resend', text: 'Resend',
        title: 'Send the mails the server has not accepted again, in a new job' });
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
    var rows = $Array(transfers).map(function (t)
    {
      var row = El('tr', { className: 'clickable', 'data-set-id': t.SetId, 'data-state': t.State,
        title: 'Set ' + t.SetId + ': click for the mails' }, [
        Td(FormatDate(t.Created)), Td(t.Partner), Td(t.Recipient), Td(OutboxState(t)),
        Td(Count(t.MailsSent, t.TotalMails)),
        Td(t.AcknowledgementsRequested === false ? 'not requested' : Count(t.MailsAcknowledged, t.TotalMails), 'acks'),
        Td(t.TotalInstances), Td(FormatBytes(t.BytesSent)), Td(t.Reason)
      ]);
      row.addEventListener('click', function ()
      {
        ShowOutboxDetail(t.SetId);
      });
      return row;
    });
    var tbody = document.querySelector('#outbox tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 9, 'Nothing was sent yet.');
    }
  }

  function Retry(setId, button)
  {
    button.disabled = true;
    Api('POST', '/inbox/' + encodeURIComponent(setId) + '/retry').then(function (answer)
    {
      var state = answer && answer.State ? ' It is now ' + answer.State + '.' : '';
      var reasons = answer ? $Array(answer.Reasons) : [];
      Notice('Transfer ' + setId + ' was processed again' +
             (answer && typeof answer.MailsImported === 'number' ? ': ' + answer.MailsImported +
              ' mail(s) imported.' : '.') + state + (reasons.length ? ' ' + reasons.join(' ') : ''));
      return Refresh();
    }, function (e)
    {
      SectionError('inbox', 'Retry of ' + setId + ' failed: ' + e.message);
      button.disabled = false;
    });
  }

  function RenderInbox(transfers)
  {
    var rows = $Array(transfers).map(function (t)
    {
      var actions = El('td');
      if (t.State === 'quarantined')
      {
        var retry = El('button', { type: 'button', className: 'retry', text: 'Retry',
          title: 'Process the quarantined mail again (after certifying the key of the sender)' });
        retry.addEventListener('click', function (e)
        {
          e.stopPropagation();
          Retry(t.SetId, retry);
        });
        actions.appendChild(retry);
      }
      var row = El('tr', { className: 'clickable', 'data-set-id': t.SetId, 'data-state': t.State,
        title: 'Set ' + t.SetId + ': click for the mails' }, [
        Td(FormatDate(t.FirstReceived)), Td(t.Partner), Td(t.Sender),
        Td(t.SignerFingerprint ? Fingerprint(t.SignerFingerprint) : ''), Td(State(t.State)),
        Td(Count(t.MailsReceived, t.MailsExpected)),
        Td((t.InstancesImported || 0) + ' imported' +
           (t.InstancesAlreadyStored ? ', ' + t.InstancesAlreadyStored + ' already stored' : '') +
           (t.InstancesFailed ? ', ' + t.InstancesFailed + ' failed' : '')),
        Td(FormatBytes(t.Bytes)), Td($Array(t.Reasons).join('\n'), 'reasons'), actions
      ]);
      row.addEventListener('click', function ()
      {
        ShowInboxDetail(t.SetId);
      });
      return row;
    });
    var tbody = document.querySelector('#inbox tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 10, 'Nothing was received yet.');
    }
  }

  function EditPartner(p)
  {
    var form = document.getElementById('partner-form');
    form.elements.Name.value = p.Name;
    form.elements.Addresses.value = $Array(p.Addresses).join(', ');
    form.elements.Fingerprint.value = p.Fingerprint || '';
    form.elements.MaxMailSize.value = p.MaxMailSize || 0;
    form.elements.Acknowledgements.checked = p.Acknowledgements !== false;
    form.elements.Compression.checked = p.Compression !== false;
    document.getElementById('partner-editor').open = true;
    form.elements.Addresses.focus();
  }

  function DeletePartner(name, button)
  {
    if (!window.confirm('Delete the partner "' + name + '"? Transfers already recorded stay listed.'))
    {
      return;
    }
    button.disabled = true;
    Api('DELETE', '/partners/' + encodeURIComponent(name)).then(function ()
    {
      Notice('Partner ' + name + ' deleted.');
      return Refresh();
    }, function (e)
    {
      SectionError('partners', 'Deleting ' + name + ' failed: ' + e.message);
      button.disabled = false;
    });
  }

  function RenderPartners(partners)
  {
    var rows = $Array(partners).map(function (p)
    {
      var usable = p.KeyState && p.KeyState.Usable;
      var key = usable ? State('usable') :
        El('span', {}, [State('unusable'), El('div', { className: 'reason',
          text: (p.KeyState && p.KeyState.Reason) || '' })]);
      var actions = El('td');
      if (p.ReadOnly)
      {
        actions.appendChild(El('span', { className: 'muted', text: 'from the configuration' }));
      }
      else
      {
        actions.appendChild(El('button', { type: 'button', text: 'Edit', onclick: function () { EditPartner(p); } }));
        var del = El('button', { type: 'button', className: 'danger', text: 'Delete' });
        del.addEventListener('click', function () { DeletePartner(p.Name, del); });
        actions.appendChild(del);
      }
      return El('tr', { 'data-partner': p.Name }, [
        Td(p.Name), Td($Array(p.Addresses).join(', ')), Td(p.Fingerprint ? Fingerprint(p.Fingerprint) : 'none'),
        Td(key),
        Td(p.MaxMailSize ? FormatBytes(p.MaxMailSize) :
           'site default' + (p.EffectiveMaxMailSize ? ' (' + FormatBytes(p.EffectiveMaxMailSize) + ')' : '')),
        Td(p.Acknowledgements ? 'yes' : 'no'), Td(p.Compression ? 'yes' : 'no'), actions
      ]);
    });
    var tbody = document.querySelector('#partners tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 8, 'No partner yet: add one below.');
    }
  }

  function DeleteKey(key, button)
  {
    if (!window.confirm('Delete the key ' + (key.FingerprintGroups || key.Fingerprint) +
                        ' from the keyring? Partners using it can no longer receive or send.'))
    {
      return;
    }
    button.disabled = true;
    Api('DELETE', '/keys/' + encodeURIComponent(key.Fingerprint)).then(function ()
    {
      Notice('Key deleted.');
      return Refresh();
    }, function (e)
    {
      SectionError('keys', 'Deleting the key failed: ' + e.message);
      button.disabled = false;
    });
  }

  function KeyStatus(k)
  {
    var badges = [];
    if (k.IsSiteKey)
    {
      badges.push(['site key', 'good']);
    }
    if (k.CertifiedBySite && !k.IsSiteKey)
    {
      badges.push(['certified', 'good']);
    }
    if (!k.CertifiedBySite && !k.IsSiteKey)
    {
      badges.push(['not certified', 'warn']);
    }
    if (k.Revoked)
    {
      badges.push(['revoked', 'bad']);
    }
    if (k.Expired)
    {
      badges.push(['expired', 'bad']);
    }
    else if (k.ExpiresSoon)
    {
      badges.push(['expires soon', 'warn']);
    }
    if (!k.CanEncrypt)
    {
      badges.push(['cannot encrypt', 'bad']);
    }
    if (k.HasSecret)
    {
      badges.push(['secret key', '']);
    }
    var node = El('span');
    badges.forEach(function (b)
    {
      node.appendChild(El('span', { className: 'state ' + b[1], text: b[0] }));
      node.appendChild(document.createTextNode(' '));
    });
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
        actions.appendChild(El('button', { type: 'button', className: 'primary certify', text: 'Certify\u2026',
          onclick: function () { OpenCertify(k.Fingerprint); } }));
      }
      if (!k.IsSiteKey)
      {
        var del = El('button', { type: 'button', className: 'danger', text: 'Delete' });
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
        Td(FormatDate(k.Created)), Td(k.Expires ? FormatDate(k.Expires) : 'never'), Td(KeyStatus(k)), actions
      ]);
    });
    var tbody = document.querySelector('#keys tbody');
    Replace(tbody, rows);
    if (rows.length === 0)
    {
      EmptyRow(tbody, 7, 'The keyring is empty.');
    }
  }

  // ------------------------------------------------------------------ refresh

  var SECTIONS = [
    { id: 'accounts', path: '/status', render: RenderStatus, what: 'the status' },
    { id: 'outbox', path: '/outbox', render: RenderOutbox, what: 'the outbox' },
    { id: 'inbox', path: '/inbox', render: RenderInbox, what: 'the inbox' },
    { id: 'partners', path: '/partners', render: RenderPartners, what: 'the partners' },
    { id: 'keys', path: '/keys', render: RenderKeys, what: 'the keys' }
  ];

  // Each section loads and fails on its own: one broken route does not hide
  // the others.
  function Refresh()
  {
    if (refreshing)
    {
      return Promise.resolve();
    }
    refreshing = true;
    var loads = SECTIONS.map(function (s)
    {
      return Api('GET', s.path).then(function (data)
      {
        SectionError(s.id, '');
        try
        {
          s.render(data);
        }
        catch (e)
        {
          SectionError(s.id, 'Cannot show ' + s.what + ': ' + e.message);
        }
      }, function (e)
      {
        SectionError(s.id, 'Cannot load ' + s.what + ': ' + e.message);
      });
    });
    if (openDetail)
    {
      loads.push(openDetail());
    }
    return Promise.all(loads).then(function ()
    {
      refreshing = false;
      document.getElementById('refreshed').textContent = 'Updated ' + new Date().toLocaleTimeString();
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
          failed.push('Mailbox "' + m.Account + '" failed: ' + m.Error);
        }
        else if (m && typeof m === 'object')
        {
          done.push('Mailbox "' + m.Account + '": ' + (m.Fetched || 0) + ' mail(s) fetched, ' +
                    (m.Imported || 0) + ' imported, ' + (m.Acknowledgements || 0) + ' acknowledgement(s), ' +
                    (m.Quarantined || 0) + ' quarantined, ' + (m.Rejected || 0) + ' rejected.');
        }
      });
      Notice(done.length > 0 ? done.join(' ') : 'The mailboxes were polled.');
      if (failed.length > 0)
      {
        GlobalError(failed.join('\n'));
      }
      return Refresh();
    }, function (e)
    {
      GlobalError('Fetching mail failed: ' + e.message);
    }).then(function ()
    {
      button.disabled = false;
    });
  }

  function SavePartner(event)
  {
    event.preventDefault();
    var form = event.target;
    var error = form.querySelector('.form-error');
    var name = form.elements.Name.value.trim();
    var body = {
      Addresses: form.elements.Addresses.value.split(/[,;\s]+/).filter(function (a) { return a.length > 0; }),
      Fingerprint: form.elements.Fingerprint.value.replace(/\s+/g, '').toUpperCase() || null,
      MaxMailSize: parseInt(form.elements.MaxMailSize.value || '0', 10),
      Acknowledgements: form.elements.Acknowledgements.checked,
      Compression: form.elements.Compression.checked
    };
    ShowError(error, '');
    Api('PUT', '/partners/' + encodeURIComponent(name), body).then(function ()
    {
      Notice('Partner ' + name + ' saved.');
      form.reset();
      return Refresh();
    }, function (e)
    {
      ShowError(error, 'Saving partner ' + name + ' failed: ' + e.message);
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
      ShowError(error, 'Paste an ASCII-armored public key first.');
      return;
    }
    Api('POST', '/keys', text, 'application/pgp-keys').then(function (r)
    {
      Notice('Keys considered: ' + r.Considered + ', imported: ' + r.Imported + ', unchanged: ' + r.Unchanged +
             ($Array(r.Fingerprints).length ? ' (' + r.Fingerprints.map(function (f)
             {
               return Groups(f).join(' ');
             }).join('; ') + ')' : '') + '. Compare the fingerprint by phone, then certify it.');
      form.reset();
      return Refresh();
    }, function (e)
    {
      ShowError(error, 'Import failed: ' + e.message);
    });
  }

  function Start()
  {
    document.getElementById('fetch-now').addEventListener('click', FetchNow);
    document.getElementById('partner-form').addEventListener('submit', SavePartner);
    document.getElementById('key-form').addEventListener('submit', ImportKey);
    document.querySelector('#certify-dialog button.cancel').addEventListener('click', function ()
    {
      CloseModal('certify-dialog');
    });
    document.querySelector('#certify-dialog button.confirm').addEventListener('click', ConfirmCertify);
    document.querySelector('#detail-dialog button.cancel').addEventListener('click', function ()
    {
      CloseModal('detail-dialog');
    });
    document.addEventListener('keydown', function (e)
    {
      if (e.key === 'Escape')
      {
        CloseModal('certify-dialog');
        CloseModal('detail-dialog');
      }
    });
    Refresh();
    setInterval(Refresh, REFRESH_MS);
  }

  if (document.readyState === 'loading')
  {
    document.addEventListener('DOMContentLoaded', Start);
  }
  else
  {
    Start();
  }
}());
