"""Fonts: Times New Roman or its metric twin Liberation Serif (fonts-liberation), else DejaVu Serif.

All three cover Vietnamese; fontconfig picks the first one installed, for the document and the stamps.
"""

CSS_FONT_STACK = '"Times New Roman", "Liberation Serif", "DejaVu Serif", serif'
