"""Answer: grounded answers with numbered citations, composed from retrieved passages."""
