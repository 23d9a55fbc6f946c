"""Casework pages: the staff's 待办 and case pages (under /workbench/cases/, behind the
staff sign-in and second factor), the public 公示 and progress lookup, and counter
filing. Thin views: every write is a service of :mod:`jiuye.casework`."""
