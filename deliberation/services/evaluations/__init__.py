"""The community evaluation (docs/law.md §9): scoring, evidence, cycles, surveys, appeals."""
