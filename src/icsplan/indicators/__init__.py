"""Indicators and results: baselines, targets, the results workflow, disaggregations, status
rules, Excel/CSV data entry and charts.

Module map:
    choices.py    value types, directions, frequencies, workflow states, status labels
    periods.py    U.S. fiscal reporting periods (FY2019, FY2019H1, FY2019Q1), no Django
    models.py     Indicator, Baseline, Disaggregation, Target, Result, PeriodLock
    values.py     parsing and checking one value (type, range, disaggregation sums), no Django
    status.py     the status rule (on track / at risk / off track / no data) and roll-ups, no Django
    progress.py   reads the database into the plain inputs status.py and charts.py take
    services.py   every change (create/update indicators, targets, results workflow, locks)
    document.py   the canonical JSON stages (indicators in and out of ``Strategy``)
    excel.py      template, import and export of results (xlsx and csv)
    charts.py     charts (SVG for the web, PNG for documents) and their alt text; matplotlib
                  draws the status matrix and every PNG
    svg_chart.py  the indicator chart written directly as SVG (no matplotlib: the web's per-indicator images)
    demo.py       the Mali sample indicators (sample data, not official)
    cli.py        ``icsplan results ...``
"""
