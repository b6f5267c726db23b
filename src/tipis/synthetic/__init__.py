"""Realistic synthetic data: cases calibrated on UNODC GLOTIP shares, and agencies' own exports.

Owns generation only; records are written through ``tipis.store``. Imports ``tipis.standard``
and ``tipis.store``.
"""
