"""Hypothesis settings for the core tests (also used when they run inside Pyodide).

No per-example deadline: on 2 shared cores, and in WebAssembly, an example's time
says nothing about correctness, and a deadline only makes the suite flaky.
"""

from hypothesis import settings

settings.register_profile("bridge", deadline=None)
settings.load_profile("bridge")
