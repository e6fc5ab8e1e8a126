"""The Yishi domain: places, parties, issues, work orders, sessions, votes and live events."""
