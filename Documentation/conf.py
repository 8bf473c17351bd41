# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration for nova's documentation: `make docs`.
project = "nova"
copyright = "the nova developers"
extensions = []
master_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
# Warnings are errors (make docs passes -W): a broken reference fails the build.
nitpicky = False
