"""The HTTP service (``grievance-rules serve``): the library over HTTP, for any platform.

:func:`create_app` builds a FastAPI application over packs loaded once, at start.
Requests never read the file system; nothing writes. An assessment comes back as
the exact bytes of :meth:`Assessment.model_dump_json`. Needs the ``serve`` extra
(``pip install 'grievance-rules[serve]'``). See ``docs/service.md``.
"""

from grievance_rules.service.app import Limits, create_app

__all__ = ["Limits", "create_app"]
