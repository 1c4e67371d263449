"""Letters: the collection letters we send (14-day letter, summons, confirmations)."""
