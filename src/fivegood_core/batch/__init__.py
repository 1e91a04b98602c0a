"""Batches: many organisations' evidence in, one row each out, and reward totals per district and payer.

Input is JSON Lines (one evidence document per line), CSV (one organisation
per row, dotted column names such as ``office.area_m2``; list cells separated
by ``;``) or Parquet (with pyarrow). A record that cannot be read or evaluated
becomes an error row with its line number; every other record still counts.
``jobs`` spreads a batch over worker processes; :mod:`.distributed` runs it on
a Dask cluster.
"""

from fivegood_core.batch.records import Record, read_csv, read_jsonl, read_records
from fivegood_core.batch.rows import CSV_COLUMNS, BatchRow, assess_record, stream_batch
from fivegood_core.batch.run import BatchReport, BatchSummary, CriterionRate, RewardTotal, Tally, batch_rows, evaluate_batch

__all__ = [
    "CSV_COLUMNS",
    "BatchReport",
    "BatchRow",
    "BatchSummary",
    "CriterionRate",
    "Record",
    "RewardTotal",
    "Tally",
    "assess_record",
    "batch_rows",
    "evaluate_batch",
    "read_csv",
    "read_jsonl",
    "read_records",
    "stream_batch",
]
