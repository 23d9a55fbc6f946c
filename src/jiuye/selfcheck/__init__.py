"""自助测评 (self-check): a questionnaire built from the policy package's facts.

Residents and employers answer one question at a time, always the one that settles the
most still-open measures; nothing is stored unless the person asks to keep a draft.
"""
