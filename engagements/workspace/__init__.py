"""The adviser workspace: views for principal advisers and managers, under /workspace/.

Views stay thin: reads come from the engagement read modules (``take_up``,
``dashboard_selectors``, ``follow_ups``, ``timeline``, ``history``), writes go through
``engagements.services``, and who may do what is asked of ``engagements.permissions``.
"""
