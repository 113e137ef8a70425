// SPDX-License-Identifier: GPL-3.0-or-later
// DICOM-Mail extension of the Orthanc Explorer shipped with Orthanc 1.10
// (jQuery 1.7 + jQuery Mobile 1.1). Orthanc appends this file to
// /plugins/explorer.js, which explorer.html loads after its own scripts.
//
// - patient, study and series pages: a "Send via DICOM-Mail" entry that opens
//   a partner picker, POSTs ../dicom-mail/send and goes to the job page;
// - job page: live progress of DICOM-Mail jobs (the stock page does not poll);
// - home page (#lookup): a link to the DICOM-Mail page, with warnings.
// Every REST error is shown with the Message of the answer. Texts come from
// the DICOM-Mail page's i18n-<language>.json, in the language chosen there
// (same origin, so the same localStorage) or else the browser's.

(function ($)
{
  'use strict';

  var API = '../dicom-mail';
  var APP_PAGE = '../dicom-mail/app/app.html';
  var LEVELS = {
    patient: { store: '#patient-store' },
    study: { store: '#study-store' },
    series: { store: '#series-store' }
  };
  var JOB_POLL_MS = 1500;
  var LANGUAGES = ['de', 'en'];

  // ----------------------------------------------------------------- texts

  var language = 'en';
  var texts = {};

  function ChooseLanguage()
  {
    var saved = null;
    try
    {
      saved = window.localStorage.getItem('dicom-mail-language');
    }
    catch (e)
    {
      saved = null;
    }
    if ($.inArray(saved, LANGUAGES) >= 0)
    {
      return saved;
    }
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < wanted.length; i++)
    {
      var code = String(wanted[i] || '').toLowerCase().split('-')[0];
      if ($.inArray(code, LANGUAGES) >= 0)
      {
        return code;
      }
    }
    return 'en';
  }

  // Resolved once the texts are there (English if the chosen ones fail).
  var textsReady = (function ()
  {
    var done = $.Deferred();
    var load = function (code, fallback)
    {
      $.ajax({ url: APP_PAGE.replace('app.html', 'i18n-' + code + '.json'), dataType: 'json', cache: false })
        .done(function (json)
        {
          language = code;
          texts = json;
          done.resolve();
        }).fail(function ()
        {
          if (fallback)
          {
            load('en', false);
          }
          else
          {
            done.resolve();     // keys stand in for the texts
          }
        });
    };
    load(ChooseLanguage(), true);
    return done.promise();
  }());

  // Entries made before the texts arrived get them now; jQuery Mobile keeps a
  // button's label in .ui-btn-text, a list entry's in the link itself.
  function Relabel(anchor, key)
  {
    var label = $('.ui-btn-text', anchor);
    (label.length > 0 ? label : $(anchor)).text(T(key));
  }

  textsReady.done(function ()
  {
    $('a.dicom-mail-send').each(function () { Relabel(this, 'explorer.send'); });
    $('#dicom-mail-home-link').each(function () { Relabel(this, 'explorer.homeLink'); });
  });

  function T(key, params)
  {
    var text = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key;
    return text.replace(/\{(\w+)\}/g, function (whole, name)
    {
      return params && params[name] !== undefined && params[name] !== null ? String(params[name]) : whole;
    });
  }

  // ----------------------------------------------------------------- helpers

  // The words to show for a failed $.ajax call: the Message of the plugin's
  // (or Orthanc's) JSON error body, else the HTTP status line.
  function ErrorText(xhr, what)
  {
    var message = '';
    try
    {
      var body = JSON.parse(xhr.responseText);
      if (body && typeof body.Message === 'string' && body.Message.length > 0)
      {
        message = body.Message;
        if (body.Details && typeof body.Details === 'string')
        {
          message += ' (' + body.Details + ')';
        }
      }
    }
    catch (e)
    {
      // Not JSON: fall back to the status line below.
    }
    if (message === '')
    {
      if (xhr.status === 0)
      {
        message = T('explorer.noAnswer');
      }
      else
      {
        message = 'HTTP ' + xhr.status + (xhr.statusText ? ' ' + xhr.statusText : '') +
          (xhr.responseText ? ': ' + String(xhr.responseText).substring(0, 300) : '');
      }
    }
    return what + ': ' + message;
  }

  function Call(method, path, body)
  {
    var options = {
      url: path,
      type: method,
      dataType: 'json',
      cache: false
    };
    if (body !== undefined)
    {
      options.data = JSON.stringify(body);
      options.contentType = 'application/json';
    }
    return $.ajax(options);
  }

  function FormatBytes(n)
  {
    if (typeof n !== 'number' || !isFinite(n))
    {
      return '';
    }
    var units = ['kB', 'MB', 'GB', 'TB'];
    var i = -1;
    while (n >= 1000 && i < units.length - 1)
    {
      n /= 1000;
      i++;
    }
    var number = new Intl.NumberFormat(language, { maximumFractionDigits: i < 0 ? 0 : 1 }).format(n);
    return i < 0 ? T('unit.bytes', { n: number }) : number + '\u00a0' + units[i];
  }

  function GroupFingerprint(fpr)
  {
    if (!fpr)
    {
      return '';
    }
    return String(fpr).replace(/\s+/g, '').toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
  }

  function CurrentUuid()
  {
    return ($.mobile && $.mobile.pageData) ? $.mobile.pageData.uuid : undefined;
  }

  // Styles of the picker and panels, injected once (the extension is a single
  // script: no extra request that could fail on its own).
  function InstallStyles()
  {
    if (document.getElementById('dicom-mail-styles'))
    {
      return;
    }
    var css = [
      '.dm-overlay{position:fixed;left:0;top:0;right:0;bottom:0;background:rgba(0,0,0,.55);z-index:2000;',
      '  display:flex;align-items:flex-start;justify-content:center;overflow:auto}',
      '.dm-box{background:#fff;color:#222;margin:6vh 12px;padding:16px 20px;border-radius:8px;max-width:640px;',
      '  width:100%;box-shadow:0 4px 24px rgba(0,0,0,.4);font-family:Helvetica,Arial,sans-serif;text-shadow:none}',
      '.dm-box h2{margin:0 0 8px 0;font-size:1.3em}',
      '.dm-box .dm-sub{margin:0 0 12px 0;color:#555}',
      '.dm-partners{list-style:none;margin:0;padding:0;max-height:50vh;overflow:auto}',
      '.dm-partner{border:1px solid #ccc;border-radius:6px;margin:6px 0;padding:0;content-visibility:auto;contain-intrinsic-size:auto 64px}',
      '.dm-partner label{display:flex;gap:10px;align-items:flex-start;padding:8px 10px;cursor:pointer}',
      '.dm-partner input{margin-top:4px}',
      '.dm-partner.dm-disabled{background:#f3f3f3;color:#777}',
      '.dm-partner.dm-disabled label{cursor:not-allowed}',
      '.dm-partner.dm-selected{border-color:#2a6ebb;background:#eef5fd}',
      '.dm-name{font-weight:bold}',
      '.dm-addr{font-family:monospace}',
      '.dm-key-ok{color:#1b7d2b}',
      '.dm-key-bad{color:#a31515}',
      '.dm-error{display:none;background:#fde8e8;border:1px solid #d9534f;color:#7a1111;border-radius:6px;',
      '  padding:8px 10px;margin:8px 0;white-space:pre-wrap}',
      '.dm-info{color:#555;margin:8px 0}',
      '.dm-actions{display:flex;justify-content:flex-end;gap:10px;margin-top:14px}',
      '.dm-actions button{font-size:1em;padding:8px 16px;border-radius:5px;border:1px solid #888;',
      '  background:#f5f5f5;cursor:pointer}',
      '.dm-actions button.dm-primary{background:#2a6ebb;color:#fff;border-color:#1d4f87}',
      '.dm-actions button[disabled]{opacity:.5;cursor:not-allowed}',
      '.dm-panel{border:1px solid #2a6ebb;border-radius:8px;padding:10px 14px;margin:0 0 12px 0;',
      '  background:#f4f8fd;text-shadow:none}',
      '.dm-panel h3{margin:0 0 6px 0}',
      '.dm-bar{height:14px;background:#dde5ee;border-radius:7px;overflow:hidden;margin:6px 0}',
      '.dm-bar div{height:100%;background:#2a6ebb;width:0}',
      '.dm-home{margin:10px 0}',
      '.dm-warn{background:#fff4d6;border:1px solid #e0b400;border-radius:6px;padding:6px 10px;margin:6px 0;',
      '  text-shadow:none}'
    ].join('\n');
    $('<style>').attr('id', 'dicom-mail-styles').attr('type', 'text/css').text(css).appendTo('head');
  }

  // ----------------------------------------------------------------- send button

  function SendEntryId(level)
  {
    return level + '-dicom-mail-send';
  }

  // Adds the entry to the "Interact" list, right after the stock "Send to ..."
  // entry. Returns true if it was added (false if already there).
  function AddSendEntry(page, level)
  {
    var id = SendEntryId(level);
    if ($('#' + id, page).length > 0)
    {
      return false;
    }
    var anchor = $('<a>').attr('href', '#').attr('id', id).addClass('dicom-mail-send')
      .attr('data-level', level).text(T('explorer.send'));
    var item = $('<li>').attr('data-icon', 'forward').append(anchor);
    var store = $(LEVELS[level].store, page).closest('li');
    if (store.length > 0)
    {
      item.insertAfter(store);
    }
    else
    {
      // Layout changed: append to the first list of the page.
      $('ul[data-role="listview"]', page).first().append(item);
    }
    return true;
  }

  $.each(LEVELS, function (level)
  {
    // Before creation, so jQuery Mobile enhances the entry with the page.
    $(document).on('pagebeforecreate', '#' + level, function ()
    {
      $('#' + SendEntryId(level), this).closest('li').remove();
      AddSendEntry(this, level);
    });
    // Safety net if the page was created before this script ran.
    $(document).on('pagebeforeshow', '#' + level, function ()
    {
      if (AddSendEntry(this, level))
      {
        var list = $('#' + SendEntryId(level), this).closest('ul');
        try
        {
          list.listview('refresh');
        }
        catch (e)
        {
          // Not enhanced yet: creation will do it.
        }
      }
    });
  });

  $(document).on('click', 'a.dicom-mail-send', function (e)
  {
    e.preventDefault();
    var level = $(this).attr('data-level');
    var uuid = CurrentUuid();
    if (!uuid)
    {
      window.alert(T('explorer.noUuid'));
      return;
    }
    textsReady.done(function ()
    {
      OpenPicker(level, uuid);
    });
  });

  // ----------------------------------------------------------------- picker

  function ClosePicker()
  {
    $('#dicom-mail-picker').remove();
    $(document).off('keydown.dicomMail');
  }

  function ShowPickerError(text)
  {
    $('#dicom-mail-picker .dm-error').text(text).show();
  }

  // Plain DOM, not jQuery: a hub's picker builds a thousand entries of seven
  // elements each, and jQuery's element parsing was most of its time (#25).
  function Element(tag, className, text)
  {
    var element = document.createElement(tag);
    if (className)
    {
      element.className = className;
    }
    if (text !== undefined)
    {
      element.textContent = text;
    }
    return element;
  }

  function PartnerEntry(partner)
  {
    var usable = !!(partner.KeyState && partner.KeyState.Usable);
    var reason = (partner.KeyState && partner.KeyState.Reason) || T('explorer.keyUnusable');
    var addresses = $.isArray(partner.Addresses) ? partner.Addresses.join(', ') : '';

    var radio = Element('input');
    radio.type = 'radio';
    radio.name = 'dicom-mail-partner';
    radio.value = partner.Name;
    radio.disabled = !usable;
    var text = Element('div');
    text.appendChild(Element('div', 'dm-name', partner.DisplayName && partner.DisplayName !== partner.Name ?
      partner.DisplayName + ' (' + partner.Name + ')' : partner.Name));
    text.appendChild(Element('div', 'dm-addr', addresses));
    if (usable)
    {
      text.appendChild(Element('div', 'dm-key-ok',
        T('explorer.keyUsable') + (partner.Fingerprint ? ': ' + GroupFingerprint(partner.Fingerprint) : '')));
    }
    else
    {
      text.appendChild(Element('div', 'dm-key-bad dm-reason', T('explorer.cannotSend', { reason: reason })));
    }
    var label = Element('label');
    label.appendChild(radio);
    label.appendChild(text);
    var item = Element('li', usable ? 'dm-partner' : 'dm-partner dm-disabled');
    item.setAttribute('data-partner', partner.Name);
    item.setAttribute('data-usable', usable ? 'true' : 'false');
    if (!usable)
    {
      item.title = reason;
    }
    item.appendChild(label);
    return item;
  }

  // What the picker reads of a partner: a quarter of the list's bytes (#25).
  var PICKER_FIELDS = 'Name,DisplayName,Addresses,Fingerprint,KeyState';

  function OpenPicker(level, uuid)
  {
    InstallStyles();
    ClosePicker();

    var confirm = $('<button>').attr('type', 'button').addClass('dm-primary dm-confirm')
      .prop('disabled', true).text(T('explorer.sendButton'));
    var cancel = $('<button>').attr('type', 'button').addClass('dm-cancel').text(T('explorer.cancel'));
    var list = $('<ul>').addClass('dm-partners');
    var info = $('<div>').addClass('dm-info').text(T('explorer.loadingPartners'));
    var box = $('<div>').addClass('dm-box').attr('role', 'dialog').attr('aria-modal', 'true')
      .attr('aria-labelledby', 'dicom-mail-picker-title')
      .append($('<h2>').attr('id', 'dicom-mail-picker-title').text(T('explorer.send')))
      .append($('<p>').addClass('dm-sub').text(T('explorer.pickerSub.' + level)))
      .append($('<p>').addClass('dm-info dm-studies'))
      .append(info)
      .append(list)
      .append($('<div>').addClass('dm-error').attr('role', 'alert'))
      .append($('<div>').addClass('dm-actions').append(cancel).append(confirm));
    var overlay = $('<div>').attr('id', 'dicom-mail-picker').addClass('dm-overlay').append(box);
    $('body').append(overlay);

    overlay.on('click', function (e)
    {
      if (e.target === overlay[0])
      {
        ClosePicker();
      }
    });
    cancel.on('click', ClosePicker);
    $(document).on('keydown.dicomMail', function (e)
    {
      if (e.keyCode === 27)
      {
        ClosePicker();
      }
    });
    list.on('change', 'input[type=radio]', function ()
    {
      list.children().removeClass('dm-selected');
      $(this).closest('li').addClass('dm-selected');
      confirm.prop('disabled', false);
    });

    if (level === 'patient')
    {
      // Say what the click will send: every study of the patient, together.
      Call('GET', '../patients/' + encodeURIComponent(uuid)).done(function (patient)
      {
        var count = $.isArray(patient.Studies) ? patient.Studies.length : 0;
        $('.dm-studies', box).text(count === 1 ? T('explorer.patientOneStudy') :
          T('explorer.patientStudies', { count: count }));
      });
    }

    Call('GET', API + '/partners?fields=' + PICKER_FIELDS).done(function (partners)
    {
      if (!$.isArray(partners) || partners.length === 0)
      {
        info.text(T('explorer.noPartner'));
        return;
      }
      // One insertion for all entries: a hub lists a thousand partners (#25).
      var usable = 0;
      var entries = document.createDocumentFragment();
      $.each(partners, function (i, partner)
      {
        entries.appendChild(PartnerEntry(partner));
        if (partner.KeyState && partner.KeyState.Usable)
        {
          usable++;
        }
      });
      list[0].appendChild(entries);
      info.text(usable === 0 ? T('explorer.noneUsable') : T('explorer.pick'));
    }).fail(function (xhr)
    {
      info.text('');
      ShowPickerError(ErrorText(xhr, T('explorer.cannotList')));
    });

    confirm.on('click', function ()
    {
      var partner = $('input[type=radio]:checked', list).val();
      if (!partner)
      {
        return;
      }
      confirm.prop('disabled', true).text(T('explorer.sending'));
      $('#dicom-mail-picker .dm-error').hide();
      Call('POST', API + '/send', { Resources: [uuid], Partner: partner }).done(function (answer)
      {
        if (!answer || !answer.ID)
        {
          ShowPickerError(T('explorer.noJob'));
          confirm.prop('disabled', false).text(T('explorer.sendButton'));
          return;
        }
        ClosePicker();
        window.location.assign('explorer.html#job?uuid=' + encodeURIComponent(answer.ID));
      }).fail(function (xhr)
      {
        ShowPickerError(ErrorText(xhr, T('explorer.sendFailed', { partner: partner })));
        confirm.prop('disabled', false).text(T('explorer.sendButton'));
      });
    });
  }

  // ----------------------------------------------------------------- job page

  var jobTimer = null;

  function StopJobPolling()
  {
    if (jobTimer !== null)
    {
      window.clearTimeout(jobTimer);
      jobTimer = null;
    }
  }

  // The Content of a job that is still being prepared may hold the SetId only.
  function IsDicomMailJob(job)
  {
    return !!job && (job.Type === 'DicomMailSend' ||
                     (!!job.Content && typeof job.Content === 'object' && 'SetId' in job.Content));
  }

  function RenderJobPanel(page, job)
  {
    var panel = $('#dicom-mail-job', page);
    if (panel.length === 0)
    {
      panel = $('<div>').attr('id', 'dicom-mail-job').addClass('dm-panel');
      $('[data-role="content"]', page).first().prepend(panel);
    }
    var c = job.Content || {};
    var total = c.TotalMails || 0;
    var sent = c.MailsSent || 0;
    var fraction = typeof job.Progress === 'number' ? job.Progress / 100 : (total > 0 ? sent / total : 0);
    var lines = [];
    lines.push(T('explorer.jobPartner', { partner: c.Partner || T('explorer.preparing') }) +
      (c.Recipient ? ' <' + c.Recipient + '>' : '') + (c.SetId ? '   (' + T('explorer.jobSet', { setId: c.SetId }) + ')' : ''));
    lines.push(T('explorer.jobMails', { n: sent, total: total || '?' }) +
      (typeof c.TotalInstances === 'number' ? ', ' + T('explorer.jobInstances', { n: c.TotalInstances }) : ''));
    if (typeof c.BytesSent === 'number')
    {
      lines.push(T('explorer.jobBytes', { size: FormatBytes(c.BytesSent) }) +
        (typeof c.SpeedMBs === 'number' && c.SpeedMBs > 0 ? ' ' + T('explorer.jobSpeed', {
          speed: T('unit.speed', { size: FormatBytes(c.SpeedMBs * 1e6) }) }) : ''));
    }

    var state;
    if (job.State === 'Success')
    {
      state = T('explorer.jobSuccess');
    }
    else if (job.State === 'Failure')
    {
      state = T('explorer.jobFailure', { reason: job.ErrorDetails || job.ErrorDescription || T('explorer.noReason') });
    }
    else
    {
      state = T('explorer.jobState', { state: job.State });
    }

    panel.empty()
      .append($('<h3>').text(T('explorer.jobTitle')))
      .append($('<div>').addClass('dm-bar').append(
        $('<div>').css('width', Math.max(0, Math.min(100, Math.round(fraction * 100)) ) + '%')))
      .append($('<div>').addClass('dm-job-state').attr('data-state', job.State).text(state));
    $.each(lines, function (i, line)
    {
      panel.append($('<div>').text(line));
    });
    panel.append($('<div>').append($('<a>').attr('href', APP_PAGE).attr('rel', 'external')
      .attr('data-ajax', 'false').text(T('explorer.openPage'))));
  }

  function PollJob(page, uuid, first)
  {
    Call('GET', '../jobs/' + encodeURIComponent(uuid)).done(function (job)
    {
      if (CurrentUuid() !== uuid || !$(page).is(':visible') && !first)
      {
        return;
      }
      if (!IsDicomMailJob(job))
      {
        $('#dicom-mail-job', page).remove();
        return;
      }
      RenderJobPanel(page, job);
      if (job.State !== 'Success' && job.State !== 'Failure')
      {
        jobTimer = window.setTimeout(function ()
        {
          PollJob(page, uuid, false);
        }, JOB_POLL_MS);
      }
      else if (!first)
      {
        // The job just ended: let the stock page redraw its (static) details
        // too. This re-runs our handler with first = true, which ends here.
        $(page).trigger('pagebeforeshow');
      }
    }).fail(function (xhr)
    {
      var panel = $('#dicom-mail-job', page);
      if (panel.length > 0)
      {
        panel.append($('<div>').addClass('dm-key-bad').text(ErrorText(xhr, T('explorer.cannotReadJob'))));
      }
    });
  }

  $(document).on('pagebeforeshow', '#job', function ()
  {
    InstallStyles();
    StopJobPolling();
    $('#dicom-mail-job', this).remove();
    var uuid = CurrentUuid();
    var page = this;
    if (uuid)
    {
      textsReady.done(function ()
      {
        PollJob(page, uuid, true);
      });
    }
  });

  $(document).on('pagehide', '#job', StopJobPolling);

  // ----------------------------------------------------------------- home page

  $(document).on('pagebeforecreate', '#lookup', function ()
  {
    $('#dicom-mail-home', this).remove();
    var block = $('<div>').attr('id', 'dicom-mail-home').addClass('dm-home')
      .append($('<a>').attr('href', APP_PAGE).attr('id', 'dicom-mail-home-link')
        .attr('data-role', 'button').attr('data-icon', 'forward').attr('rel', 'external')
        .attr('data-ajax', 'false').text(T('explorer.homeLink')))
      .append($('<div>').attr('id', 'dicom-mail-home-warnings'));
    var form = $('#lookup-form', this);
    if (form.length > 0)
    {
      block.insertBefore(form);
    }
    else
    {
      $('[data-role="content"]', this).first().append(block);
    }
  });

  // Problems the admin should know about, in words, under the link.
  $(document).on('pagebeforeshow', '#lookup', function ()
  {
    InstallStyles();
    var target = $('#dicom-mail-home-warnings', this);
    $.when(textsReady, Call('GET', API + '/status')).done(function (ignored, statusAnswer)
    {
      var status = statusAnswer[0];      // $.when hands over [data, statusText, xhr]
      target.empty();
      var problems = [];
      $.each(status.Accounts || [], function (i, account)
      {
        if (account.State === 'error')
        {
          problems.push(T('explorer.accountProblem', { name: account.Name,
            message: account.Message || T('explorer.error') }));
        }
      });
      if (!status.SiteKeyFingerprint)
      {
        problems.push(T('explorer.noSiteKey'));
      }
      if ($.isArray(status.ExpiringKeys) && status.ExpiringKeys.length > 0)
      {
        problems.push(T('explorer.expiringKeys', { count: status.ExpiringKeys.length,
          fingerprints: $.map(status.ExpiringKeys, GroupFingerprint).join('; ') }));
      }
      // A link whose last daily QA test failed (DIN 6868-159, #17).
      $.each((status.QualityAssurance && status.QualityAssurance.Partners) || {}, function (partner, qa)
      {
        if (qa.Failing && qa.LastDailyTest)
        {
          problems.push(T('explorer.qaDailyTest', { partner: partner, day: qa.LastDailyTest.Day }));
        }
      });
      $.each(problems, function (i, text)
      {
        target.append($('<div>').addClass('dm-warn').text('DICOM-Mail: ' + text));
      });
    }).fail(function (xhr)
    {
      target.empty().append($('<div>').addClass('dm-warn').text(ErrorText(xhr, T('explorer.status'))));
    });
  });
}(jQuery));
