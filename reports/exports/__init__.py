"""Excel exports, one module per export; ``base`` writes every one of them."""

from __future__ import annotations

from reports.exports.annual_report import AnnualReport

EXPORTERS = {AnnualReport.identifier: AnnualReport}
