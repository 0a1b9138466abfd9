"""Every HDF5 key path the reader and writer use, as data: one table per layout.

A layout is a mapping from a logical field name to its path in the file. The reader never
spells a path itself; it asks the table of the layout that probing picked. Adding a layout
means adding a table here and a probe rule in ``_layout.py``.
"""

from __future__ import annotations

from types import MappingProxyType

#: APS-8IDI NeXus result layout, as written by the boost_corr correlator.
NEXUS_8IDI = MappingProxyType(
    {
        # presence probes
        "xpcs": "/xpcs",
        "multitau": "/xpcs/multitau",
        "twotime": "/xpcs/twotime",
        # multi-tau
        "delay_list": "/xpcs/multitau/delay_list",  # (n_tau,) int, frames
        "g2": "/xpcs/multitau/normalized_g2",  # (n_tau, n_bins)
        "g2_err": "/xpcs/multitau/normalized_g2_err",  # (n_tau, n_bins)
        # boost_corr -np runs: g2 of the frames up to the end of each part, cumulative,
        # NaN where a part was not yet written; (n_parts, n_tau, n_bins)
        "g2_partial": "/xpcs/multitau/normalized_g2_partial",
        "multitau_config": "/xpcs/multitau/config",
        "multitau_stride": "/xpcs/multitau/config/stride_frame",
        "multitau_avg": "/xpcs/multitau/config/avg_frame",
        "multitau_qmap_path": "/xpcs/multitau/config/qmap",
        # two-time
        "twotime_config": "/xpcs/twotime/config",
        "twotime_stride": "/xpcs/twotime/config/stride_frame",
        "twotime_avg": "/xpcs/twotime/config/avg_frame",
        "twotime_qmap_path": "/xpcs/twotime/config/qmap",
        "c2_group": "/xpcs/twotime/correlation_map",
        "c2_processed_bins": "/xpcs/twotime/processed_bins",  # 1-based dynamic roi labels
        "c2_g2": "/xpcs/twotime/normalized_g2",  # (n_frames, n_processed)
        # temporal / spatial means
        "saxs_2d": "/xpcs/temporal_mean/scattering_2d",  # (1, ny, nx)
        "saxs_1d": "/xpcs/temporal_mean/scattering_1d",  # (1, n_static)
        "saxs_1d_segments": "/xpcs/temporal_mean/scattering_1d_segments",  # (n_seg, n_static)
        "intensity_vs_time": "/xpcs/spatial_mean/intensity_vs_time",  # (2, n_frames)
        # qmap (the partition the correlator used)
        "mask": "/xpcs/qmap/mask",
        "dynamic_roi_map": "/xpcs/qmap/dynamic_roi_map",
        "static_roi_map": "/xpcs/qmap/static_roi_map",
        "dynamic_index_mapping": "/xpcs/qmap/dynamic_index_mapping",
        "static_index_mapping": "/xpcs/qmap/static_index_mapping",
        "dynamic_num_pts": "/xpcs/qmap/dynamic_num_pts",
        "static_num_pts": "/xpcs/qmap/static_num_pts",
        "dynamic_v_list_dim0": "/xpcs/qmap/dynamic_v_list_dim0",  # q, 1/A
        "dynamic_v_list_dim1": "/xpcs/qmap/dynamic_v_list_dim1",  # phi, deg
        "static_v_list_dim0": "/xpcs/qmap/static_v_list_dim0",
        "static_v_list_dim1": "/xpcs/qmap/static_v_list_dim1",
        "map_names": "/xpcs/qmap/map_names",
        "map_units": "/xpcs/qmap/map_units",
        "qmap_source_file": "/xpcs/qmap/source_file",
        "qmap_beam_center_x": "/xpcs/qmap/beam_center_x",
        "qmap_beam_center_y": "/xpcs/qmap/beam_center_y",
        "qmap_detector_distance": "/xpcs/qmap/detector_distance",
        "qmap_pixel_size": "/xpcs/qmap/pixel_size",
        "qmap_energy": "/xpcs/qmap/energy",
        # metadata
        "raw_data_path": "/xpcs/rawdata_path",
        "energy_kev": "/entry/instrument/incident_beam/incident_energy",
        "detector_distance_m": "/entry/instrument/detector_1/distance",
        "pixel_size_m": "/entry/instrument/detector_1/x_pixel_size",
        "beam_center_x": "/entry/instrument/detector_1/beam_center_x",
        "beam_center_y": "/entry/instrument/detector_1/beam_center_y",
        "frame_time_s": "/entry/instrument/detector_1/frame_time",
        "count_time_s": "/entry/instrument/detector_1/count_time",
        "sample_name": "/entry/sample/name",
        "start_time": "/entry/start_time",
        "beamline": "/entry/instrument/bluesky/metadata/beamline",
        "schema_version": "/entry/schema_version",
    }
)

#: The older APS-8IDI layout (``/xpcs/Version`` present, arrays under ``/exchange``).
LEGACY_APS = MappingProxyType(
    {
        "version": "/xpcs/Version",
        "exchange": "/exchange",
        "analysis_type": "/xpcs/analysis_type",
        "tau": "/exchange/tau",  # (1, n_tau) delays in frames
        "g2": "/exchange/norm-0-g2",  # (n_tau, n_bins)
        "g2_err": "/exchange/norm-0-stderr",
        "c2_group": "/exchange/C2T_all",  # g2_NNNNN, NNNNN = 1-based dynamic roi
        "saxs_2d": "/exchange/pixelSum",  # (ny, nx)
        "saxs_1d": "/exchange/partition-mean-total",  # (1, n_static)
        "saxs_1d_segments": "/exchange/partition-mean-partial",  # (n_seg, n_static)
        "intensity_vs_time": "/exchange/frameSum",  # (2, n_frames)
        "dynamic_q": "/xpcs/dqlist",  # (1, n_bins), 1/A
        "dynamic_phi": "/xpcs/dphilist",
        "static_q": "/xpcs/sqlist",
        "static_phi": "/xpcs/sphilist",
        "dynamic_roi_map": "/xpcs/dqmap",
        "static_roi_map": "/xpcs/sqmap",
        "mask": "/xpcs/mask",
        "stride": "/xpcs/stride_frames",
        "avg": "/xpcs/avg_frames",
        "frame_time_s": "/measurement/instrument/detector/exposure_period",
        "count_time_s": "/measurement/instrument/detector/exposure_time",
        "beam_center_x": "/measurement/instrument/acquisition/beam_center_x",
        "beam_center_y": "/measurement/instrument/acquisition/beam_center_y",
        "detector_distance_m": "/measurement/instrument/detector/distance",
        "pixel_size_m": "/measurement/instrument/detector/x_pixel_size",
        "energy_kev": "/measurement/instrument/source_begin/energy",
        "start_time": "/measurement/instrument/source_begin/datetime",
        "sample_name": "/measurement/sample/name",
        "raw_data_path": "/xpcs/input_file_local",
        "qmap_path": "/xpcs/qmap_hdf5_filename",
    }
)

#: Name pattern of one stored two-time map inside the layout's ``c2_group``.
C2_NAME_NEXUS = "c2_{:05d}"  # ordinal in processed_bins, 1-based
C2_NAME_LEGACY = "g2_{:05d}"  # dynamic roi label, 1-based

#: File name endings that ``scan`` considers result files.
RESULT_SUFFIXES = (".hdf", ".h5", ".hdf5", ".nxs")

#: Raw detector frames (N, H, W) in an HDF5 file as APS-8IDI's Eiger/Lambda writers and
#: NeXus NXdetector files hold them; the Mask tab averages a range of them (``_images``).
RAW_FRAMES = "/entry/data/data"
