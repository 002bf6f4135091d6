"""The reviewers' sheets (XLSX or CSV).

Reading, writing, their identity, and what importing one did. Shared by screening, risk
of bias, extraction and GRADE sheets.
"""
