"""The fee pages, by audience: ``ledger`` (the program office's invoices, payments, aging and
notices, and the supplier portal), ``distribution`` (the office's policies, costs and runs) and
``transparency`` (the public figures and recipients' statements)."""
