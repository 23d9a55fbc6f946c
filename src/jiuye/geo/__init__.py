"""Administrative divisions (GB/T 2260 and statistical township codes) with history."""
