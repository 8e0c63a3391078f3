"""The one query service: read a query's text once, evaluate it under the deadline, contain crashes.

- :mod:`kg.query.text`: what can be learnt from a query's text without any parser that could
  crash or evaluate: ``\\u`` escapes undone, the nesting depth (refused past a limit before any
  parser sees the query), and the query form from the prologue.
- :mod:`kg.query.evaluators`: supervised evaluator processes forked from the loaded store; a
  query runs in one, which is killed at the deadline (or dies of an engine fault) and replaced.
- :mod:`kg.query.budget`: a per-client budget of evaluation time, shared by the workers.
"""
