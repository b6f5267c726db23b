"""The data standard: code lists, geography (ISO 3166, UN M49) and record models.

Owns what a trafficking case *is* (IOM HTCDS v2.0 concepts, mapped to UNODC GLOTIP and CTDC
categories) and the rules a valid record obeys. Imports nothing else of ours; every other
package builds on it.
"""
