"""The record forms and the small dialogs around them.

Pages call these functions; each opens a modal dialog, writes through the services in one
transaction on Save, and returns what was saved (``None``/``False`` when cancelled).

    edit_organisation(parent, register, org_id=None) -> int | None        # new when None
    edit_certificate(parent, register, cert_id=None, org_id=None) -> int | None
    edit_subsidy(parent, register, subsidy_id=None, org_id=None) -> int | None
    edit_case(parent, register, case_id=None, org_id=None) -> int | None
    run_lifecycle(parent, register, cert_id, action) -> bool             # suspend/revoke/...
    record_surveillance(parent, register, cert_id) -> bool
    delete_records(parent, register, kind, ids) -> bool                  # asks, says what goes
"""
