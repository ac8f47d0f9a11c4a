"""Make ``odoo.addons.hocbaso_core.tools`` importable in plain pytest (no database, no registry).

The repository root is appended to ``odoo.addons.__path__`` like ``--addons-path`` does. The addon
package itself is registered as a bare namespace (its ``__init__`` is not executed), so these unit
tests only load ``hocbaso_core.tools`` and do not depend on the models, views or wizards.
"""

import os
import sys
import types
import warnings

import odoo.addons

# LazyGettext reads odoo.http.request to detect the language; silence the deprecation noise of
# Odoo's own dependencies (passlib, babel) imported along with it.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import odoo.http

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

if ROOT not in odoo.addons.__path__:
    odoo.addons.__path__.append(ROOT)

for _addon in ("hocbaso_core", "hocbaso_signing"):
    _name = f"odoo.addons.{_addon}"
    if _name not in sys.modules:
        _package = types.ModuleType(_name)
        _package.__path__ = [os.path.join(ROOT, _addon)]
        _package.__package__ = _name
        _package.__file__ = os.path.join(ROOT, _addon, "__init__.py")
        sys.modules[_name] = _package
        setattr(odoo.addons, _addon, _package)
