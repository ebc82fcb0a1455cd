"""The public pages that combine the catalogue with councils, advisers and engagements (no sign-in).

``home`` (the home page and "find your principal adviser"), ``offer_views`` (the offer page,
the support request form and its confirmation), ``council_views`` (the council register and a
council's page); their forms in ``forms``, their reads in ``selectors``. Writes go through
``engagements.services``.
"""
