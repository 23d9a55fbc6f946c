"""个人/单位办事 accounts (issue 11 §1, §5): real-name applicants and employer contacts.

- :mod:`.codes`: one-time codes by SMS (single use, 5 minutes, limited attempts), the
  one implementation behind the applicant sign-in and the online application;
- :mod:`.accounts`: an applicant account from 居民身份证号码 + 姓名 (checked against the
  registry) + a proved mobile number, or from the province's identity platform (OIDC);
- :mod:`.sessions`: the applicant's own session key, apart from the staff sign-in
  (``request.user`` is never an applicant);
- :mod:`.contacts`: 经办人 acting for an employer's 统一社会信用代码, and how the first
  contact of a code is confirmed.

Applicants are not Django users: ``AUTH_USER_MODEL`` holds staff only, so no staff page,
permission backend, admin site or second-factor enrolment can ever see an applicant as
signed in (see docs/applicants.md).
"""
