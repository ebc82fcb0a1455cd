"""The adviser workspace: views for principal advisers and managers, under /workspace/.

Views stay thin: reads come from ``engagements.selectors``, writes go through
``engagements.services``, and who may do what is asked of ``engagements.permissions``.
"""
