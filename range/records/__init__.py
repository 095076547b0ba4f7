"""Certification records: officers, users, courses as shot, attempts, sign-offs, audit."""
