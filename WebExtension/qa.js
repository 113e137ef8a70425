// SPDX-License-Identifier: GPL-3.0-or-later
// The QA section of the DICOM-Mail page (DIN 6868-159, #17): per partner a
// calendar of the year's daily tests (an SVG drawn here, no library), the
// tests per month, links to the report routes, and the received test
// transfers with the radiologist's "image quality confirmed".
// Uses the helpers app.js shares as window.DicomMailApp.
(function ()
{
  'use strict';

  var app = window.DicomMailApp;
  var NAME_KEY = 'dicom-mail-qa-confirmed-by';
  var CELL = 14;                        // px of one day in the calendar
  var LABEL = 34;                       // px left of the days, for the month's name
  var chosen = { partner: '', year: new Date().getFullYear() };
  var partnersShown = '';

  function Controls()
  {
    return document.getElementById('qa-controls');
  }

  function Pad(n)
  {
    return (n < 10 ? '0' : '') + n;
  }

  // ------------------------------------------------------------------ figures

  // The result of each site day: a day with a passed test counts as passed
  // (a test run again by hand after a failure repairs the day).
  function ResultsByDay(tests)
  {
    var days = {};
    tests.forEach(function (t)
    {
      var before = days[t.Day];
      if (before === 'passed' || (before === 'failed' && t.State === 'running'))
      {
        return;
      }
      days[t.Day] = t.State;
    });
    return days;
  }

  function Median(values)
  {
    if (values.length === 0)
    {
      return null;
    }
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  function Months(tests, year)
  {
    var months = [];
    for (var m = 1; m <= 12; m++)
    {
      months.push({ month: year + '-' + Pad(m), tests: 0, passed: 0, failed: 0, times: [], speeds: [],
                    confirmed: 0 });
    }
    tests.forEach(function (t)
    {
      if (String(t.Day).substring(0, 4) !== String(year))
      {
        return;
      }
      var month = months[Number(String(t.Day).substring(5, 7)) - 1];
      if (!month)
      {
        return;
      }
      month.tests++;
      month.passed += t.State === 'passed' ? 1 : 0;
      month.failed += t.State === 'failed' ? 1 : 0;
      month.confirmed += t.ImageQualityConfirmedBy ? 1 : 0;
      if (typeof t.TransferMs === 'number' && t.TransferMs > 0)
      {
        month.times.push(t.TransferMs);
        month.speeds.push(t.DicomBytes / 1000000 / (t.TransferMs / 1000));
      }
    });
    return months;
  }

  // ------------------------------------------------------------------ calendar

  var SVG = 'http://www.w3.org/2000/svg';

  function Svg(tag, attributes, text)
  {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (name)
    {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined)
    {
      node.textContent = text;
    }
    return node;
  }

  // One row per month, one square per day of it.
  function Calendar(results, year)
  {
    var monthNames = new Intl.DateTimeFormat(app.Language(), { month: 'short', timeZone: 'UTC' });
    var svg = Svg('svg', { width: LABEL + 31 * CELL, height: 12 * CELL, role: 'img', 'class': 'qa-calendar-svg',
                           'aria-label': app.T('qa.calendarLabel', { year: year }) });
    for (var m = 0; m < 12; m++)
    {
      svg.appendChild(Svg('text', { x: 0, y: m * CELL + CELL - 3, 'class': 'qa-month' },
                          monthNames.format(new Date(Date.UTC(year, m, 1)))));
      var days = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
      for (var d = 1; d <= days; d++)
      {
        var day = year + '-' + Pad(m + 1) + '-' + Pad(d);
        var result = results[day] || 'none';
        var cell = Svg('rect', { x: LABEL + (d - 1) * CELL, y: m * CELL, width: CELL - 2, height: CELL - 2,
                                 rx: 2, 'class': 'qa-day', 'data-day': day, 'data-result': result });
        cell.appendChild(Svg('title', {}, day + ': ' + app.T('qa.result.' + result)));
        svg.appendChild(cell);
      }
    }
    return svg;
  }

  // ------------------------------------------------------------------ rendering

  function FillPartners(schedules, received)
  {
    var names = schedules.map(function (s) { return s.Partner; });
    received.forEach(function (t)
    {
      if (t.Partner && names.indexOf(t.Partner) < 0)
      {
        names.push(t.Partner);
      }
    });
    if (!chosen.partner || names.indexOf(chosen.partner) < 0)
    {
      chosen.partner = names[0] || '';
    }
    var select = Controls().elements.partner;
    if (names.join('\n') !== partnersShown)
    {
      partnersShown = names.join('\n');
      while (select.firstChild)
      {
        select.removeChild(select.firstChild);
      }
      names.forEach(function (name)
      {
        select.appendChild(app.El('option', { value: name, text: name }));
      });
    }
    select.value = chosen.partner;
    Controls().elements.year.value = chosen.year;
  }

  function ReportLinks()
  {
    var base = '../qa/report/' + encodeURIComponent(chosen.partner);
    var query = '?year=' + encodeURIComponent(chosen.year);
    var csv = document.getElementById('qa-csv');
    var print = document.getElementById('qa-print');
    [csv, print].forEach(function (a) { a.hidden = !chosen.partner; });
    csv.href = base + '.csv' + query;
    print.href = base + '.html' + query;
    // The printable report's own SVG, drawn by the server: one drawing for both.
    var plot = document.querySelector('#qa-plot img');
    plot.hidden = !chosen.partner;
    plot.alt = app.T('qa.plot.alt', { year: chosen.year });
    if (chosen.partner && plot.getAttribute('src') !== base + '.svg' + query)
    {
      plot.src = base + '.svg' + query;
    }
  }

  // From the report (GET /qa/report/{partner}?year=), when the server has
  // it: the month's availability and its monthly measurement.
  function ReportMonth(report, month)
  {
    var availability = ((report && report.Availability && report.Availability.Months) || [])
      .filter(function (a) { return a.Period === month; })[0];
    var measurement = ((report && report.MonthlyMeasurements) || [])
      .filter(function (x) { return x.Month === month; }).pop();
    // The partner's radiologist's confirmation of that measurement, as reported back.
    var confirmation = measurement && ((report.ImageQuality && report.ImageQuality.Confirmations) || [])
      .filter(function (c) { return c.SetId === measurement.SetId; })[0];
    // The site's own transfers to the partner that month, as context.
    var sent = ((report && report.RealTransfers && report.RealTransfers.Sent) || [])
      .filter(function (x) { return x.Month === month; })[0];
    return {
      real: !sent || !sent.Transfers ? '' : sent.Timed > 0 ?
        app.T('qa.realTransfers', { count: sent.Transfers, complete: sent.Complete,
                                    median: app.Number(sent.MedianMs / 1000, 1), p95: app.Number(sent.P95Ms / 1000, 1),
                                    speed: app.Number(sent.MedianMBps, 2) }) :
        app.T('qa.realTransfersUntimed', { count: sent.Transfers, complete: sent.Complete }),
      availability: availability && typeof availability.DayShare === 'number' ?
        app.El('span', { className: availability.MeetsTarget ? '' : 'qa-below-target',
                         text: app.T('qa.percent', { n: app.Number(availability.DayShare * 100, 1) }) }) : '',
      measurement: measurement && typeof measurement.TransferMs === 'number' ?
        app.T('qa.measurement', { time: app.Number(measurement.TransferMs / 1000, 3),
                                  dicom: app.Number(measurement.DicomMBps || 0, 2),
                                  wire: app.Number(measurement.WireMBps || 0, 2),
                                  complete: app.T(measurement.Complete ? 'qa.complete' : 'qa.incomplete') }) +
        (confirmation ? app.T('qa.measurementConfirmed', { name: confirmation.ConfirmedBy }) : '') : ''
    };
  }

  function RenderMonths(tests, report)
  {
    var rows = Months(tests, chosen.year).map(function (m)
    {
      var time = Median(m.times);
      var speed = Median(m.speeds);
      var fromReport = ReportMonth(report, m.month);
      return app.El('tr', { 'data-month': m.month }, [
        app.Td(m.month), app.Td(m.tests, 'num'), app.Td(m.passed, 'num'), app.Td(m.failed, 'num'),
        app.Td(time === null ? '' : app.T('qa.seconds', { n: app.Number(time / 1000, 3) }), 'num'),
        app.Td(speed === null ? '' : app.T('qa.megabytesPerSecond', { n: app.Number(speed, 2) }), 'num'),
        app.Td(m.confirmed, 'num'), app.Td(fromReport.availability, 'num'), app.Td(fromReport.measurement),
        app.Td(fromReport.real)
      ]);
    });
    app.Replace(document.querySelector('#qa-months tbody'), rows);
  }

  function Confirm(setId, button)
  {
    var input = document.getElementById('qa-confirmed-by');
    var box = document.querySelector('#qa .qa-confirm-error');
    var name = input.value.trim();
    if (!name)
    {
      app.ShowError(box, app.T('qa.nameMissing'));
      input.focus();
      return;
    }
    app.ShowError(box, '');
    button.disabled = true;
    app.Api('POST', '/qa/received-tests/' + encodeURIComponent(setId) + '/image-quality', { ConfirmedBy: name })
      .then(function (answer)
      {
        app.Remember(NAME_KEY, name);
        report.key = null;   // the report counts the confirmation
        app.Notice(answer.Reported ? app.T('qa.confirmedNotice', { setId: setId }) :
                   app.T('qa.confirmedNotReported', { setId: setId, message: answer.ReportError || '' }));
        return Load().then(Render);
      }, function (e)
      {
        button.disabled = false;
        app.ShowError(box, app.T('qa.confirmFailed', { message: e.message }));
      });
  }

  function ImageQualityCell(t)
  {
    if (t.ImageQualityConfirmedBy)
    {
      var reported = t.ImageQualityReported ? app.T('qa.reported') : app.T('qa.notReported');
      return app.El('span', { className: 'qa-confirmed', 'data-confirmed-by': t.ImageQualityConfirmedBy }, [
        app.T('qa.confirmedBy', { name: t.ImageQualityConfirmedBy }), ' ', app.Time(t.ImageQualityConfirmedAt),
        ' (' + reported + ')',
        t.ImageQualityReported ? null : app.El('button', { type: 'button', className: 'qa-confirm',
          text: app.T('qa.reportAgain'), onclick: function (e) { Confirm(t.SetId, e.target); } })
      ]);
    }
    if (t.State !== 'complete' && t.State !== 'complete-with-warnings')
    {
      return '';
    }
    return app.El('button', { type: 'button', className: 'qa-confirm', 'data-set-id': t.SetId,
                              text: app.T('qa.confirm'), onclick: function (e) { Confirm(t.SetId, e.target); } });
  }

  function Images(t)
  {
    var studies = t.Studies || [];
    if (studies.length === 0)
    {
      return app.El('span', { className: 'muted', text: app.T(t.Kept ? 'qa.imagesGone' : 'qa.imagesDiscarded') });
    }
    return app.El('span', {}, studies.map(function (id) { return app.StudyLinks(id); }));
  }

  function RenderReceived(received)
  {
    var tbody = document.querySelector('#qa-received tbody');
    if (received.length === 0)
    {
      app.Replace(tbody, []);
      app.EmptyRow(tbody, 7, app.T('qa.receivedEmpty'));
      return;
    }
    app.Replace(tbody, received.map(function (t)
    {
      return app.El('tr', { 'data-set-id': t.SetId }, [
        app.Td(app.Time(t.FirstReceived)), app.Td(t.Partner), app.Td(t.SetId, 'mono'), app.Td(app.State(t.State)),
        app.Td(t.InstancesChecked + (t.InstancesFailed ? ' / ' + app.T('inbox.instancesFailed',
          { n: t.InstancesFailed }) : ''), 'num'),
        app.Td(Images(t)), app.Td(ImageQualityCell(t))
      ]);
    }));
  }

  function Render(data)
  {
    FillPartners(data.schedules, data.received);
    ReportLinks();
    var tests = data.tests.filter(function (t) { return t.Partner === chosen.partner; });
    var holder = document.getElementById('qa-calendar');
    while (holder.firstChild)
    {
      holder.removeChild(holder.firstChild);
    }
    holder.appendChild(Calendar(ResultsByDay(tests.slice().reverse()), chosen.year));
    RenderMonths(tests, data.report);
    RenderReceived(data.received);
  }

  // The report is built from a year of records: asked for once per partner
  // and year (and after a confirmation), not at every refresh. A server
  // without the report route leaves the table to the daily tests.
  var report = { key: null, value: null };

  function LoadReport()
  {
    var key = chosen.partner + '/' + chosen.year;
    if (!chosen.partner || report.key === key)
    {
      return Promise.resolve(report.key === key ? report.value : null);
    }
    return app.Api('GET', '/qa/report/' + encodeURIComponent(chosen.partner) + '?year=' + chosen.year)
      .then(function (answer) { return answer; }, function () { return null; })
      .then(function (answer)
      {
        report = { key: key, value: answer };
        return answer;
      });
  }

  function Load()
  {
    return Promise.all([
      app.Api('GET', '/qa/schedules'),
      app.Api('GET', '/qa/daily-tests?limit=500'),   // a year of working days and then some
      app.Api('GET', '/qa/received-tests?limit=100')
    ]).then(function (answers)
    {
      var data = { schedules: answers[0], tests: answers[1], received: answers[2] };
      FillPartners(data.schedules, data.received);
      return LoadReport().then(function (value)
      {
        data.report = value;
        return data;
      });
    });
  }

  function Reload()
  {
    return Load().then(Render, function (e)
    {
      app.SectionError('qa', app.T('error.load', { what: app.T('qa.what'), message: e.message }));
    });
  }

  function SetUp()
  {
    var form = Controls();
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    form.elements.partner.addEventListener('change', function (e)
    {
      chosen.partner = e.target.value;
      Reload();
    });
    form.elements.year.addEventListener('change', function (e)
    {
      var year = Number(e.target.value);
      if (year >= 2000 && year <= 2100)
      {
        chosen.year = year;
        Reload();
      }
    });
    document.getElementById('qa-confirmed-by').value = app.Remembered(NAME_KEY);
  }

  app.AddSection({ id: 'qa', load: Load, render: Render, what: 'qa.what' });
  SetUp();
}());
