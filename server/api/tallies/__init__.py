"""Progress figures against targets for coordinators and supervisors."""
