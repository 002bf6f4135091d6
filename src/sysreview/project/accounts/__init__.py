"""Web accounts: creating them, checking passwords, changing roles and passwords."""
