"""Turning a standard into something to run: the criteria tree, the explained walk, the generated fast path, the evaluator."""
