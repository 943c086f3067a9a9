"""The 'Flere skal med' plugin passes the activemeasures plugin contract, as installed."""

import activemeasures_flereskalmed
from activemeasures.testing import PluginContract


class TestFlereSkalMedContract(PluginContract):
    plugin = activemeasures_flereskalmed
    name = "flereskalmed"
    entry_point = "flereskalmed"
