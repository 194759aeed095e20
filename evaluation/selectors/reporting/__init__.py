"""The figures of a committee report: one programme, one period, each figure beside the previous period's.

Everything is counted in the database with grouped queries (``Count(..., filter=Q(...))``): each query counts the
period and the previous one of the same length at once, so a report costs the same fixed number of queries for 3
pairings or 300. Every figure is suppressed here, through ``evaluation.privacy``, before it leaves this module:
what ``report_figures`` returns (and what a submitted report freezes in ``Report.snapshot``) holds ``None`` where
a number describes 1 to 4 people or could be worked out from the totals beside it. It holds no person's name,
no goal title, no note and no intervention note: only counts, hours, department names and the free-text survey
answers whose writers agreed to be quoted (without their name or team).

Definitions (the period runs from ``start`` to ``end``, both included):
- applicants: people who applied in the period; approved: people whose application was approved in it;
- participants: mentors and mentees who had joined by the period's end (or were in a pairing by then); in a
  pairing: in a pairing that had started and not ended by then; training complete: every course their role
  requires completed and valid then;
- active pairings: pairings running on at least one day of the period;
- check-in states: each running pairing's schedule as it stood at the period's end (its sessions confirmed by
  then, paused or not then, the cadence agreed by then), by ``mentoring.checkins.state_filter``'s rules;
- sessions held: sessions dated in the period and confirmed by its end, with their date and length then
  (``SessionState``: one confirmed later does not count, one disputed or corrected since counts as it was);
  confirmed hours: their hours;
- protected hours allocated: the monthly allocations of the months the period touches made by its end and not
  declined by then, with their hours then (``TimeAllocationState``); used: the participants' confirmed session
  hours (each side's) and the hours of training they completed in the period;
- goals: goals set by the period's end, by their status at the period's end; interventions: recorded in it, by
  their kind at its end (``InterventionKind``);
- surveys: the rounds that close in the period.
"At the period's end" is the end of its last day in the site's time zone (``_end_of``): what was recorded since
never changes a period's figures, so running it again gives the same ones.
Teams count in their department: the nearest unit of kind department at or above them (``departments_of``).
People count in the department of the team they were in at each period's end (their team history,
``programmes.models.PersonUnitHistory``), not the one they are in today; the tree above the teams is today's.
Pairings, sessions and hours count in the mentee's department, so that the departments add up to the programme's totals.
"""

from .figures import SNAPSHOT_VERSION, report_figures
from .periods import Period, last_quarter, quarter, quarter_from_key, quarter_key, recent_quarters

__all__ = [
    "SNAPSHOT_VERSION",
    "Period",
    "last_quarter",
    "quarter",
    "quarter_from_key",
    "quarter_key",
    "recent_quarters",
    "report_figures",
]
