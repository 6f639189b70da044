"""The Matrix transport, on matrix-nio.

pycryptodome, which matrix-nio uses for attachments, reaches its C code through the `cffi`
package whenever that package is installed (PyNaCl brings it along), and cffi then parses C
declarations with pycparser at import: ~35 ms and ~1.2 MB at every start of the bot. Its
other way in, ctypes, is the one it takes wherever cffi is absent (as for matrix-reminder-bot,
say). PyNaCl needs only cffi's compiled backend (`_cffi_backend`), never the package, and
nothing else Relais runs imports it; so the package is declared absent for this process
before nio loads. `tests/unit/test_start_imports.py` checks both libraries still work.
"""

import sys

sys.modules.setdefault("cffi", None)  # type: ignore[arg-type]
