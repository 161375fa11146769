/*
 * Public statistics charts (ECharts, vendored). Data comes from
 * <script type="application/json" id="public-stats-data"> written by json_script;
 * every number is also in the table under each chart, so the charts are a
 * convenience and the page reads fine without them.
 */
(function () {
  'use strict';

  var PALETTE = ['#b71c1c', '#1d4f91', '#2e7d32', '#a35c00', '#6a1b9a', '#00695c'];

  function data() {
    var node = document.getElementById('public-stats-data');
    if (!node) {
      return null;
    }
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  function narrow() {
    return window.matchMedia && window.matchMedia('(max-width: 719.98px)').matches;
  }

  // Bars run sideways so long Chinese names fit on a phone; the height follows the number of rows.
  function fitHeight(el, rows, perRow) {
    var height = Math.max(220, 60 + rows * perRow);
    el.style.height = height + 'px';
  }

  function base() {
    return {
      color: PALETTE,
      animation: false,
      textStyle: {fontFamily: 'inherit', color: '#1f2328'},
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}, renderMode: 'richText'},
      legend: {top: 0, textStyle: {color: '#1f2328'}},
      grid: {left: 8, right: 24, top: 36, bottom: 8, containLabel: true}
    };
  }

  function shorten(name, max) {
    return name.length > max ? name.slice(0, max - 1) + '…' : name;
  }

  function categoryChart(el, d) {
    var rows = d.categories.slice().reverse();
    fitHeight(el, rows.length, 34);
    var option = base();
    option.xAxis = {type: 'value', minInterval: 1};
    option.yAxis = {type: 'category', data: rows.map(function (r) { return r.name; })};
    option.series = [
      {name: d.labels.filed, type: 'bar', data: rows.map(function (r) { return r.filed; })},
      {name: d.labels.replied, type: 'bar', data: rows.map(function (r) { return r.replied; })}
    ];
    return option;
  }

  function resultChart(el, d) {
    var small = narrow();
    // On a phone the legend (with the numbers) sits under the ring, so the chart needs more height.
    el.style.height = small ? (240 + d.results.length * 28) + 'px' : '';
    var option = base();
    option.tooltip = {trigger: 'item', renderMode: 'richText'};
    option.legend = {bottom: 0, textStyle: {color: '#1f2328'}, formatter: function (name) {
      var row = d.results.filter(function (r) { return r.name === name; })[0];
      return row ? name + '：' + row.value : name;
    }};
    option.color = ['#2e7d32', '#1d4f91', '#a35c00', '#5b6068', '#6a1b9a'];
    option.series = [{
      type: 'pie',
      radius: small ? [45, 95] : ['35%', '65%'],
      center: small ? ['50%', 110] : ['50%', '42%'],
      label: {show: false},  // the legend carries names and numbers; outer labels collide in a half-width card
      data: d.results
    }];
    return option;
  }

  function officeChart(el, d) {
    var rows = d.offices.slice().reverse();
    var small = narrow();
    fitHeight(el, rows.length, small ? 64 : 48);
    var option = base();
    option.xAxis = {type: 'value', max: 100, axisLabel: {formatter: '{value}%'}};
    option.yAxis = {
      type: 'category',
      data: rows.map(function (r) { return r.name; }),
      axisLabel: {formatter: function (v) { return shorten(v, small ? 6 : 14); }}
    };
    option.series = ['reply_rate', 'on_time_rate', 'satisfaction'].map(function (key) {
      return {
        name: d.labels[key],
        type: 'bar',
        data: rows.map(function (r) { return r[key] === null ? 0 : r[key]; })
      };
    });
    return option;
  }

  var BUILDERS = {category: categoryChart, result: resultChart, office: officeChart};

  function setup() {
    var d = data();
    if (!d || !window.echarts) {
      return;
    }
    var charts = [];
    Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), function (el) {
      var build = BUILDERS[el.getAttribute('data-chart')];
      if (!build) {
        return;
      }
      var option = build(el, d);
      var chart = window.echarts.init(el, null, {renderer: 'svg'});
      chart.setOption(option);
      charts.push({el: el, chart: chart, build: build});
    });
    var timer = null;
    window.addEventListener('resize', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        charts.forEach(function (c) {
          c.chart.setOption(c.build(c.el, d), true);
          c.chart.resize();
        });
      }, 150);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setup);
  } else {
    setup();
  }
})();
