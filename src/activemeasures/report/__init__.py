"""The evaluation report: disclosure-controlled tables, figures and one HTML page.

:func:`write_report` (also :meth:`Evaluation.write_report
<activemeasures.evaluation.Evaluation.write_report>`) writes a folder that can leave a secure
research environment: every CSV and every figure is made from the tables
:func:`protect_evaluation` returns, never from the evaluation directly.
"""

from activemeasures.report.protection import disclosure_summary, protect_evaluation
from activemeasures.report.writer import write_report

__all__ = ["disclosure_summary", "protect_evaluation", "write_report"]
