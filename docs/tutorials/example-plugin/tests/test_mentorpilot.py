"""Mentor First passes the activemeasures plugin contract."""

import activemeasures_mentorpilot
from activemeasures.testing import PluginContract


class TestMentorPilot(PluginContract):
    plugin = activemeasures_mentorpilot
    entry_point = "mentorpilot"  # also check that the installed plugin is discovered
