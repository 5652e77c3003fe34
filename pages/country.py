"""Page: one country's profile — migrants, corridors with the OTS states, remittances, reported figures, measures."""
import streamlit as st

from app import countries, editions, ui, url_state
from app.cached import load
from app.i18n import N_, _
from app.queries import common
from app.queries import country as queries
from app.views import country as view

name = countries.name
picker, chooser = st.columns([1, 2])
iso3 = url_state.select(_("Country"), countries.choices(include_groups=False), key="country",
                        default=countries.MEMBERS[0], format_func=name, container=picker,
                        help=_("Member and observer states first, then every other country."))
# One choice for every data set the profile reads: the latest editions, or the previous ones.
which = editions.choose((common.STOCK, common.REMITTANCE_MATRIX, common.WDI), container=chooser)
profile = view.Profile.of(iso3, which)
facts = load(queries.country_facts, iso3, profile.stock, profile.matrix).iloc[0]
st.title(name(iso3))
st.caption(view.status_line(facts))

if int(load(queries.data_coverage, iso3).iloc[0].sum()) == 0:
    ui.empty(_("The database holds no migration, remittance or reported figures for {country}: the UN, the World "
               "Bank and the reported figures do not cover it. Choose another country.").format(country=name(iso3)))
    st.stop()

# --- headline: every number with its year and source
view.show_headline(profile, facts)

# --- one section at a time: each chart costs the reader's browser about as much as a small page, and the
# profile holds eight; the section is kept in the URL (?section=) so a link opens the same view.
SECTIONS = {
    "migrants": (N_("Migrants over time"), lambda: view.migrants(profile)),
    "partners": (N_("Origins and destinations"), lambda: view.partners(profile)),
    "corridors": (N_("With the OTS states"), lambda: view.corridors(profile)),
    "remittances": (N_("Remittances"), lambda: view.remittances(profile)),
    "remittance_corridors": (N_("Remittance corridors"), lambda: view.remittance_corridors(profile)),
    "refugees": (N_("Refugees"), lambda: view.refugees(profile)),
    "reported": (N_("Reported figures and measures"), lambda: view.reported(profile)),
}
ui.one_section_at_a_time(SECTIONS)
