"""Staff access, apart from the registry: jurisdiction scoping, the staff profile with its
rights, and the sensitive-access log. The registry, and later casework, payments and
monitoring, scope their records by :mod:`jiuye.staff.access`.
"""
