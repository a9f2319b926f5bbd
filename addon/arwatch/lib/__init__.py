"""Pure helpers of the add-on (no ORM): SQL that reads the ledger, the policy from settings, planning."""
