"""个人/单位办事 pages: sign-in (SMS code or the province's OIDC platform), 我的办事,
employer contacts, and the counter's confirmation of contacts (jiuye.applicants)."""
