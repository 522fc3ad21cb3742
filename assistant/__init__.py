"""Scenario assistant: RAG over the TNO report 'Veerkracht in een veranderende arbeidsmarkt'."""
