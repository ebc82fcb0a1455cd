"""The catalogue as Open Referral HSDS 3.0 open data, at /api/hsds/.

Each published offer is an HSDS *service* of one *organization*, the Local Government
Association; themes, audiences and formats are three *taxonomies* whose *terms* are attached
to services as *attributes* (``mapping``). The endpoints are the HSDS API's (``views``,
``urls``), served by DRF with the portal's throttles and error shape, and described by an
OpenAPI document of their own at /api/hsds/openapi.json (``openapi``), not in /api/schema/.

- ``mapping``: stable identifiers, the organization, the taxonomies and service statuses
- ``params``: the HSDS query parameters, validated (bad values are 400s naming the parameter)
- ``selectors``: the services and taxonomy terms a request asks for, cumulative filters (AND)
- ``serializers``: HSDS records; optional fields with no value are left out, never null
- ``pagination``: the HSDS ``Page`` object around every list
- ``renderers``: ``format=ndjson``, every result streamed one per line without paging
"""
