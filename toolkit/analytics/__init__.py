"""Analyses of the normalized tables: what algorithmic management did with a worker's time and pay.

Modules (plain functions over the store's pandas frames, never mutating their inputs):
- `intervals`: union, intersection, clipping and calendar splits of time intervals; the priority merge
  of state segments across platforms (so multi-apping is never counted twice);
- `time`: P0–P3 time accounting (methods.md §1) from the best source available;
- `pay`: earnings per period, per engaged and per logged-in hour, net of costs, against minimum wages;
- `minimums`: the French sector minimums (VTC per activity hour and per ride, delivery per activity hour);
- `dispatch`, `ratings`, `legal`, `changepoints`, `quest`: offers, ratings, legal indicators, rate
  changes and bonus feasibility.

Example:
    >>> from toolkit.analytics import intervals
    >>> intervals.STATE_PRIORITY[0]
    'on_job'
"""
