"""Open Contracting Data Standard 1.1.5 for published solicitations and their master
agreements. docs/open-data.md maps every field; docs/decisions/0011-ocds.md says why.

process   one contracting process as loaded, and when each of its facts became public
timeline  its releases as events (ids, dates, tags) → release dicts
tender    tender-stage release bodies        contracts  award- and contract-stage bodies
parties   organizations and identifiers      history    values before later changes
merge     compiled releases (OCDS merge)     packages   release and record packages
codes     our codes → OCDS codelists         values     money and dates
links     public URLs
"""
