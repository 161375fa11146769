/*
 * Reports: dashboard charts (vendored ECharts) and Excel exports with a progress bar.
 *
 *   #dashboard-data (json_script)  the numbers the charts draw; the page shows
 *                                  the same numbers in tables
 *   a[data-export]                 fetched with a progress bar, then saved
 *                                  through a blob link; without JS the plain
 *                                  link downloads the file
 *   [data-export-status]           the box holding the message and .progress
 */
(function () {
  'use strict';

  var RED = '#b71c1c';
  var BLUE = '#1d4f91';
  var GREEN = '#2e7d32';
  var PALETTE = [RED, BLUE, GREEN, '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#455a64'];

  function readData() {
    var node = document.getElementById('dashboard-data');
    if (!node) {
      return null;
    }
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  function isPhone() {
    return !window.matchMedia || !window.matchMedia('(min-width: 720px)').matches;
  }

  function barHeight(el, count) {
    // Horizontal bar charts grow with their rows so labels never overlap.
    el.style.height = Math.max(240, 60 + count * 34) + 'px';
  }

  function horizontalBars(names, series) {
    return {
      color: PALETTE,
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 24, top: series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: names,
        axisLabel: { width: isPhone() ? 96 : 180, overflow: 'truncate' }
      },
      series: series.map(function (s) {
        return {
          name: s.name,
          type: 'bar',
          data: s.data,
          itemStyle: s.color ? { color: s.color } : undefined,
          label: { show: series.length === 1, position: 'right' }
        };
      })
    };
  }

  var charts = [];

  function draw(id, option, rows) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) {
      return;
    }
    if (rows) {
      barHeight(el, rows);
    }
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option);
    el.setAttribute('data-rendered', 'true');
    charts.push(chart);
  }

  function setupCharts() {
    var data = readData();
    if (!data) {
      return;
    }
    var labels = data.labels || {};
    draw('chart-status', horizontalBars(
      data.statuses.map(function (s) { return s.name; }),
      [{ name: '', data: data.statuses.map(function (s) { return s.value; }) }]
    ), data.statuses.length);

    draw('chart-results', {
      color: PALETTE,
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
      legend: { bottom: 0, type: 'scroll' },
      series: [{
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['50%', '45%'],
        label: { formatter: '{b|{b}}\n{c}', rich: { b: { width: isPhone() ? 90 : 160, overflow: 'truncate' } } },
        data: data.results
      }]
    });

    draw('chart-offices', horizontalBars(
      data.offices.map(function (o) { return o.name; }),
      [
        { name: labels.assigned, color: BLUE, data: data.offices.map(function (o) { return o.assigned; }) },
        { name: labels.replied, color: GREEN, data: data.offices.map(function (o) { return o.replied; }) },
        { name: labels.overdue, color: RED, data: data.offices.map(function (o) { return o.overdue; }) }
      ]
    ), data.offices.length * 2);

    draw('chart-categories', horizontalBars(
      data.categories.map(function (c) { return c.name; }),
      [
        { name: labels.filed, color: BLUE, data: data.categories.map(function (c) { return c.filed; }) },
        { name: labels.replied, color: GREEN, data: data.categories.map(function (c) { return c.replied; }) }
      ]
    ), data.categories.length * 1.5);

    var timer = null;
    window.addEventListener('resize', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
      }, 150);
    });
  }

  /* ---------------------------------------------------------------- */
  /* Exports with a progress bar                                       */
  /* ---------------------------------------------------------------- */

  function filenameFrom(response, fallback) {
    var header = response.headers.get('Content-Disposition') || '';
    var star = /filename\*=(?:UTF-8|utf-8)''([^;]+)/.exec(header);
    if (star) {
      try {
        return decodeURIComponent(star[1]);
      } catch (e) { /* fall through */ }
    }
    var plain = /filename="?([^";]+)"?/.exec(header);
    return plain ? plain[1] : fallback;
  }

  // Messages come translated from the template (data-msg-*); the Chinese here is only a fallback.
  function text(box, name, fallback) {
    return box.getAttribute('data-msg-' + name) || fallback;
  }

  function setProgress(bar, value) {
    if (window.Huaxi && window.Huaxi.setProgress) {
      window.Huaxi.setProgress(bar, value);
    } else {
      bar.style.width = value + '%';
    }
  }

  function exportWithProgress(link) {
    var box = document.querySelector('[data-export-status]');
    if (!box || !window.fetch || !window.ReadableStream || !window.URL || !window.Blob) {
      return false;
    }
    var message = box.querySelector('[data-export-message]');
    var progress = box.querySelector('.progress');
    var bar = box.querySelector('.progress-bar');
    box.hidden = false;
    link.setAttribute('aria-disabled', 'true');
    link.classList.add('is-busy');
    progress.classList.add('indeterminate');
    message.textContent = link.textContent.trim() + ' · ' + text(box, 'working', '正在生成，请稍候…');
    setProgress(bar, 0);
    box.setAttribute('data-state', 'working');

    function finish(state, text) {
      link.removeAttribute('aria-disabled');
      link.classList.remove('is-busy');
      progress.classList.remove('indeterminate');
      message.textContent = text;
      box.setAttribute('data-state', state);
    }

    fetch(link.href, { credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        var total = Number(response.headers.get('Content-Length')) || 0;
        var name = filenameFrom(response, 'export.xlsx');
        var type = response.headers.get('Content-Type') || 'application/octet-stream';
        if (total) {
          progress.classList.remove('indeterminate');
        }
        message.textContent = text(box, 'downloading', '正在下载…');
        var reader = response.body.getReader();
        var chunks = [];
        var received = 0;
        function pump() {
          return reader.read().then(function (step) {
            if (step.done) {
              return;
            }
            chunks.push(step.value);
            received += step.value.length;
            if (total) {
              setProgress(bar, Math.round(100 * received / total));
              message.textContent = text(box, 'downloading', '正在下载…') + ' ' + Math.round(100 * received / total) + '%';
            }
            return pump();
          });
        }
        return pump().then(function () {
          return { blob: new Blob(chunks, { type: type }), name: name };
        });
      })
      .then(function (file) {
        setProgress(bar, 100);
        var url = URL.createObjectURL(file.blob);
        var a = document.createElement('a');
        a.href = url;
        a.download = file.name;
        a.hidden = true;
        document.body.appendChild(a);
        a.click();
        window.setTimeout(function () {
          URL.revokeObjectURL(url);
          a.remove();
        }, 1000);
        finish('done', text(box, 'done', '已导出：') + file.name);
      })
      .catch(function () {
        finish('error', text(box, 'error', '导出失败，请稍后重试；也可以直接点击链接下载。'));
      });
    return true;
  }

  function onClickExport(event) {
    var link = event.target.closest ? event.target.closest('a[data-export]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    if (link.getAttribute('aria-disabled') === 'true') {
      event.preventDefault();
      return;
    }
    if (exportWithProgress(link)) {
      event.preventDefault();
    }
  }

  document.addEventListener('click', onClickExport);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setupCharts);
  } else {
    setupCharts();
  }
}());
