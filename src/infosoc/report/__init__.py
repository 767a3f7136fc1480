"""Figures for reports: charts rendered offline to SVG, PNG, HTML or a Vega-Lite spec."""
