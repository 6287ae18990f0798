"""Who may see the shell's staff pages. Each staff power names the permission that the
back-office asks for the same power (partners.rules.staff_with)."""

import rules

from partners.rules import staff_with

# The report gathers the plenaries' participation (what the back-office's "Suivi des plénières"
# shows under this permission), the showcase, the groups and the needs. No permission of its
# own: one would need a migration (a "utopia.view_yearly_report" is what it should become).
rules.add_perm("utopia.read_yearly_report", staff_with("plenaries.view_plenary"))

# The health page (mail queue, scheduled commands): the permission to view their runs.
rules.add_perm("utopia.read_health", staff_with("utopia.view_commandrun"))
